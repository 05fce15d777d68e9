//! Queries for editors, in the compiler's own terms (byte offsets, spans, definitions): what
//! is under the cursor, where it is defined, what to show on hover, the outline of a file.
//! The language server converts these to LSP types; nothing here knows about LSP.

mod complete;
mod dossier;
mod fix;
mod hover;
mod navigate;
mod outline;
mod references;
mod tokens;

pub use complete::{completions, Completion};
pub use dossier::{dossier_mentions, exercise_dossier, run_dossier, DossierRun, Exercise};
pub use fix::laid_out_arms;
pub use hover::{hover_at, hover_text, hover_text_at};
pub use navigate::{definition_at, navigate_at, target, variant_target, Target};
pub use outline::{inlay_types, symbols, Symbol};
pub use references::{referenced_at, references, references_to, rename_problem, Referenced};
pub use tokens::{semantic_tokens, Highlight};
