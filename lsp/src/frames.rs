//! The messages between the editor and the server, checked on the way in: a body that is not
//! a JSON-RPC message, a header that cannot be read or a body too long is answered with an
//! error (-32700, or -32600 for JSON that is no message) and the server goes on.
//! (tower-lsp-server stops reading at the first message it cannot decode, which would end the
//! server without a word.) On the way out, tower-lsp-server's English error messages are put
//! in French (`in_french`).

use serde_json::{json, Value};
use tokio::io::{
    AsyncBufRead, AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt,
};
use tokio::sync::mpsc::UnboundedSender;

/// Bodies larger than this are not messages of an editor (a 10 MB policy is one of 11 MB):
/// they are skipped, not read.
const MAX_BODY: usize = 64 << 20;

/// Header lines longer than this are cut: a header is a name and a number.
const MAX_HEADER_LINE: usize = 1 << 12;

/// What was read: a body, or why the bytes are no message.
pub enum Frame {
    Body(Vec<u8>),
    Bad(String),
}

/// The headers of one message, as far as pol reads them.
#[derive(Default)]
struct Headers {
    /// Some header line was read.
    any: bool,
    /// The body's length, when `Content-Length` holds a number.
    length: Option<usize>,
    /// What was wrong with a header line, if anything.
    problem: Option<String>,
}

/// Reads one message (headers, then `Content-Length` bytes). `None` at the end of the input.
/// A message whose headers cannot be read, or whose body is too long, is skipped (its body
/// read and dropped, when its length is known) and said as `Frame::Bad`: the next message is
/// read as usual.
pub async fn read_frame<R: AsyncBufRead + Unpin>(r: &mut R) -> std::io::Result<Option<Frame>> {
    let Some(headers) = read_headers(r).await? else {
        return Ok(None);
    };
    let Some(len) = headers.length else {
        return Ok(Some(Frame::Bad(headers.problem.unwrap_or_else(|| {
            "en-tête sans « Content-Length » valide".into()
        }))));
    };
    if len > MAX_BODY {
        skip(r, len).await?;
        return Ok(Some(Frame::Bad(format!(
            "message de {len} octets ignoré : pol ne lit pas de message de plus de {} Mio",
            MAX_BODY >> 20
        ))));
    }
    let mut body = vec![0; len];
    if r.read_exact(&mut body).await.is_err() {
        return Ok(Some(Frame::Bad("message tronqué en fin d'entrée".into())));
    }
    Ok(Some(match headers.problem {
        Some(why) => Frame::Bad(why),
        None => Frame::Body(body),
    }))
}

/// Reads header lines up to the blank line that ends them; `None` at the end of the input
/// before any.
async fn read_headers<R: AsyncBufRead + Unpin>(r: &mut R) -> std::io::Result<Option<Headers>> {
    let mut headers = Headers::default();
    loop {
        let mut line = Vec::new();
        let (read, whole) = read_line(r, &mut line).await?;
        if read == 0 {
            return Ok(headers.any.then(|| Headers {
                length: None,
                problem: Some("message tronqué en fin d'entrée".into()),
                ..headers
            }));
        }
        let Ok(text) = std::str::from_utf8(&line) else {
            headers.any = true;
            headers.problem = Some("en-tête illisible : ce n'est pas du texte UTF-8".into());
            continue;
        };
        let text = text.trim_end();
        if text.is_empty() {
            if headers.any {
                return Ok(Some(headers));
            }
            continue;
        }
        headers.any = true;
        if !whole {
            headers.problem = Some(format!(
                "ligne d'en-tête de plus de {MAX_HEADER_LINE} octets"
            ));
        } else if let Some((name, value)) = text.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                headers.length = value.trim().parse().ok();
            }
        }
    }
}

/// Reads one line into `line`, at most `MAX_HEADER_LINE` bytes of it kept (the rest read and
/// dropped). Gives the bytes read and whether the line was kept whole.
async fn read_line<R: AsyncBufRead + Unpin>(
    r: &mut R,
    line: &mut Vec<u8>,
) -> std::io::Result<(usize, bool)> {
    let mut read = 0;
    loop {
        let buf = r.fill_buf().await?;
        if buf.is_empty() {
            return Ok((read, line.len() <= MAX_HEADER_LINE));
        }
        let (take, done) = match buf.iter().position(|b| *b == b'\n') {
            Some(i) => (i + 1, true),
            None => (buf.len(), false),
        };
        let room = (MAX_HEADER_LINE + 1).saturating_sub(line.len());
        line.extend_from_slice(&buf[..take.min(room)]);
        r.consume(take);
        read += take;
        if done {
            return Ok((read, line.len() <= MAX_HEADER_LINE));
        }
    }
}

/// Reads and drops `len` bytes (fewer at the end of the input).
async fn skip<R: AsyncBufRead + Unpin>(r: &mut R, len: usize) -> std::io::Result<()> {
    let len = u64::try_from(len).unwrap_or(u64::MAX);
    tokio::io::copy(&mut r.take(len), &mut tokio::io::sink()).await?;
    Ok(())
}

pub async fn write_frame<W: AsyncWrite + Unpin>(w: &mut W, body: &[u8]) -> std::io::Result<()> {
    w.write_all(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes())
        .await?;
    w.write_all(body).await?;
    w.flush().await
}

/// Why a body is not a message the server can read, with the JSON-RPC code and the id to
/// answer (if it has one).
fn problem(body: &[u8]) -> Option<(i64, String, Value)> {
    use tower_lsp_server::jsonrpc::{Request, Response};
    let value: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => {
            let why = pol_compiler::eval::json::syntax_words(&e, &String::from_utf8_lossy(body));
            return Some((-32700, format!("message illisible : {why}"), Value::Null));
        }
    };
    let is_message = serde_json::from_value::<Request>(value.clone()).is_ok()
        || serde_json::from_value::<Response>(value.clone()).is_ok();
    if is_message {
        return None;
    }
    let id = value.get("id").cloned().unwrap_or(Value::Null);
    Some((
        -32600,
        "ce JSON n'est pas un message JSON-RPC 2.0".into(),
        id,
    ))
}

/// The server's answer with its error message in French: tower-lsp-server writes its own
/// (« Method not found », serde's « invalid value: integer `-1`, expected u32 ») in English.
/// Other bodies, and the French messages of pol's handlers, go out unchanged.
pub fn in_french(body: Vec<u8>) -> Vec<u8> {
    if !body.windows(8).any(|w| w == b"\"error\":") {
        return body;
    }
    let Ok(mut answer) = serde_json::from_slice::<Value>(&body) else {
        return body;
    };
    let Some(error) = answer.get_mut("error").and_then(Value::as_object_mut) else {
        return body;
    };
    let message = error.get("message").and_then(Value::as_str).unwrap_or("");
    let Some(french) = french_message(message, error.get("data")) else {
        return body;
    };
    error.insert("message".into(), Value::String(french));
    error.remove("data");
    answer.to_string().into_bytes()
}

/// The French of one of tower-lsp-server's messages; `None` for a message of pol's own.
fn french_message(message: &str, data: Option<&Value>) -> Option<String> {
    Some(match message {
        "Method not found" => match data.and_then(Value::as_str) {
            Some(method) => format!("méthode inconnue : pol ne traite pas « {method} »"),
            None => "méthode inconnue : pol ne traite pas cette requête".into(),
        },
        "Server not initialized" => {
            "le serveur n'est pas encore initialisé : la première requête est « initialize »".into()
        }
        "Parse error" => "message illisible".into(),
        "Invalid request" => "requête invalide".into(),
        "Internal error" => "erreur interne du serveur pol".into(),
        "Canceled" => "requête annulée".into(),
        "Content modified" => "le document a changé : la réponse est abandonnée".into(),
        "Server error" => "erreur du serveur pol".into(),
        "Missing params field" => "paramètres invalides : le champ « params » manque".into(),
        m if m.starts_with("Unexpected params") => {
            "paramètres invalides : cette méthode ne prend pas de paramètres".into()
        }
        m => format!("paramètres invalides : {}", serde_words(m)?),
    })
}

/// What serde's message about the parameters says, in French; `None` for one of pol's.
fn serde_words(m: &str) -> Option<String> {
    let quoted = |m: &str| m.split('`').nth(1).map(str::to_owned).unwrap_or_default();
    Some(if m.starts_with("missing field") {
        format!("le champ « {} » manque", quoted(m))
    } else if m.starts_with("unknown field") {
        format!("le champ « {} » est inconnu", quoted(m))
    } else if m.starts_with("unknown variant") {
        format!("la valeur « {} » est inconnue", quoted(m))
    } else if m.starts_with("duplicate field") {
        format!("le champ « {} » est écrit deux fois", quoted(m))
    } else if m.starts_with("invalid type") {
        "une valeur n'a pas le type que le protocole LSP demande".into()
    } else if m.starts_with("invalid value") || m.starts_with("invalid length") {
        "une valeur est hors de celles que le protocole LSP permet".into()
    } else if m.starts_with("data did not match") || m.starts_with("expected") {
        "ils ne suivent pas la forme que le protocole LSP demande".into()
    } else {
        return None;
    })
}

/// Copies the editor's messages to the server; each one it could not read is answered (through
/// `answers`) and logged to standard error, in French.
pub async fn filter_input<R, W>(input: R, mut server: W, answers: UnboundedSender<Vec<u8>>)
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut input = tokio::io::BufReader::new(input);
    loop {
        let frame = match read_frame(&mut input).await {
            Ok(Some(f)) => f,
            Ok(None) => return,
            Err(e) => {
                eprintln!("pol lsp : lecture interrompue : {e}");
                return;
            }
        };
        let bad = match frame {
            Frame::Body(body) => match problem(&body) {
                None => {
                    if write_frame(&mut server, &body).await.is_err() {
                        return;
                    }
                    continue;
                }
                Some(p) => p,
            },
            Frame::Bad(why) => (-32700, why, Value::Null),
        };
        let (code, message, id) = bad;
        eprintln!("pol lsp : message ignoré ({code}) : {message}");
        let answer =
            json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}});
        if answers.send(answer.to_string().into_bytes()).is_err() {
            return;
        }
    }
}
