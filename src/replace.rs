//! The files pol writes for the user (`pol fmt`, `pol eval --lot --sortie`): written to a
//! temporary file beside their target, synced, given the target's permissions, then renamed
//! over it. A full disk or an interruption leaves the old file whole, never a truncated one
//! that would still check. A symbolic link is followed, not replaced; a target that is not
//! a regular file (`/dev/null`, a named pipe) is written in place, as there is nothing to
//! lose there.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

/// How many symbolic links pol follows before it gives up, as the system does.
const MAX_LINKS: usize = 40;

/// A file being written for `target`; nothing changes there until [`Replacement::commit`].
pub enum Replacement {
    /// A regular file (or none yet): the new content, beside it.
    Beside {
        temp: NamedTempFile,
        target: PathBuf,
    },
    /// A device or a pipe, written in place.
    InPlace(File),
}

impl Replacement {
    /// Starts writing for `target`, following its symbolic links.
    pub fn begin(target: &Path) -> io::Result<Replacement> {
        let target = follow_links(target)?;
        let existing = std::fs::metadata(&target).ok();
        match &existing {
            Some(meta) if meta.is_dir() => return Err(io::ErrorKind::IsADirectory.into()),
            Some(meta) if !meta.is_file() => {
                return File::create(&target).map(Replacement::InPlace)
            }
            _ => {}
        }
        let mut builder = tempfile::Builder::new();
        builder.prefix(".pol-").suffix(".tmp");
        #[cfg(unix)]
        if existing.is_none() {
            // What `File::create` gives: read and write for all, less the umask.
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(std::fs::Permissions::from_mode(0o666));
        }
        let temp = builder.tempfile_in(folder_of(&target))?;
        if let Some(meta) = existing {
            keep_owner(temp.as_file(), &meta);
            temp.as_file().set_permissions(meta.permissions())?;
        }
        Ok(Replacement::Beside { temp, target })
    }

    /// Puts the written content in place: synced to the disk, then renamed over the target.
    pub fn commit(self) -> io::Result<()> {
        match self {
            Replacement::InPlace(mut f) => f.flush(),
            Replacement::Beside { temp, target } => {
                temp.as_file().sync_all()?;
                temp.persist(&target).map_err(|e| e.error)?;
                sync_folder(&target);
                Ok(())
            }
        }
    }
}

impl Write for Replacement {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Replacement::Beside { temp, .. } => temp.write(buf),
            Replacement::InPlace(f) => f.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Replacement::Beside { temp, .. } => temp.flush(),
            Replacement::InPlace(f) => f.flush(),
        }
    }
}

/// Writes `bytes` as the whole new content of `target`.
pub fn replace(target: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = Replacement::begin(target)?;
    file.write_all(bytes)?;
    file.commit()
}

/// The file a path names once its symbolic links are followed (the last one may point to a
/// file that does not exist yet).
fn follow_links(path: &Path) -> io::Result<PathBuf> {
    let mut path = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let to = std::fs::read_link(&path)?;
                path = match path.parent() {
                    Some(folder) if to.is_relative() => folder.join(to),
                    _ => to,
                };
            }
            _ => return Ok(path),
        }
    }
    Err(too_many_links())
}

#[cfg(unix)]
fn too_many_links() -> io::Error {
    // ELOOP, which the system gives for the same reason.
    io::Error::from_raw_os_error(40)
}

#[cfg(not(unix))]
fn too_many_links() -> io::Error {
    io::ErrorKind::InvalidInput.into()
}

/// Gives the new file the old one's owner and group, where pol may (the same user, or
/// root rewriting another's file); elsewhere the file is the writer's, as any editor's.
#[cfg(unix)]
fn keep_owner(file: &File, old: &std::fs::Metadata) {
    use std::os::unix::fs::MetadataExt;
    let _ = std::os::unix::fs::fchown(file, Some(old.uid()), Some(old.gid()));
}

#[cfg(not(unix))]
fn keep_owner(_: &File, _: &std::fs::Metadata) {}

/// Makes the rename durable: the folder's entry is synced too. Best effort: a folder that
/// cannot be opened or synced (some file systems) leaves the file written all the same.
fn sync_folder(target: &Path) {
    #[cfg(unix)]
    if let Ok(f) = File::open(folder_of(target)) {
        let _ = f.sync_all();
    }
    #[cfg(not(unix))]
    let _ = target;
}

/// The folder a file is in (`.` for a bare name).
fn folder_of(target: &Path) -> &Path {
    match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}
