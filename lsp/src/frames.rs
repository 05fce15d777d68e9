//! The messages between the editor and the server, checked on the way in: a body that is not
//! a JSON-RPC message is answered with an error (-32700, or -32600 for JSON that is no
//! message) and the server goes on. (tower-lsp-server stops reading at the first message it
//! cannot decode, which would end the server without a word.)

use serde_json::{json, Value};
use tokio::io::{
    AsyncBufRead, AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt,
};
use tokio::sync::mpsc::UnboundedSender;

/// Bodies larger than this are not messages of an editor.
const MAX_BODY: usize = 1 << 28;

/// What was read: a body, or why the bytes are no message.
pub enum Frame {
    Body(Vec<u8>),
    Bad(String),
}

/// Reads one message (headers, then `Content-Length` bytes). `None` at the end of the input.
pub async fn read_frame<R: AsyncBufRead + Unpin>(r: &mut R) -> std::io::Result<Option<Frame>> {
    let mut len: Option<usize> = None;
    let mut any = false;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).await? == 0 {
            return Ok(if any {
                Some(Frame::Bad("message tronqué en fin d'entrée".into()))
            } else {
                None
            });
        }
        let line = line.trim_end();
        if line.is_empty() {
            if any {
                break;
            }
            continue;
        }
        any = true;
        if let Some((name, value)) = line.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                len = value.trim().parse().ok();
            }
        }
    }
    let Some(len) = len else {
        return Ok(Some(Frame::Bad(
            "en-tête sans « Content-Length » valide".into(),
        )));
    };
    if len > MAX_BODY {
        return Err(std::io::Error::other(format!(
            "message de {len} octets : trop long"
        )));
    }
    let mut body = vec![0; len];
    r.read_exact(&mut body).await?;
    Ok(Some(Frame::Body(body)))
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
        Err(e) => return Some((-32700, format!("message JSON illisible : {e}"), Value::Null)),
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
