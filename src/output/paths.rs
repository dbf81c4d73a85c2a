//! File names around the output (`<out>.partial`, `<out>.tmp-<pid>`), the pre-run
//! writability check, and the durable write-then-rename used for every file we create.

use std::fs;
use std::io::{BufWriter, ErrorKind, Write};
use std::path::{Path, PathBuf};

use hdf5_pure::FileBuilder;

use super::error::{OutputError, Result};

/// `<out>.partial`: where finished energies are appended while a run works.
pub fn partial_path(final_path: &Path) -> PathBuf {
    with_suffix(final_path, ".partial")
}

/// `<path>.tmp-<pid>`: the temporary name a file is written under before its rename.
pub(crate) fn tmp_path(path: &Path) -> PathBuf {
    with_suffix(path, &format!(".tmp-{}", std::process::id()))
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// The directory `path` lives in (`.` for a bare file name).
pub(crate) fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Checks, before any work, that the run can write `final_path`.
///
/// Creates missing parent directories. Refuses when `final_path` exists, unless `force`;
/// refuses a `.partial` file that a live run is writing ([`OutputError::InUse`], even with
/// `force`) and one left by a stopped run ([`OutputError::StalePartial`], removed with
/// `force`); refuses when the name is a directory or the directory does not accept new
/// files (probed by creating and removing one). `final_path` itself is never touched here:
/// it is replaced only when a run finishes.
pub fn check_writable(final_path: &Path, force: bool) -> Result<()> {
    let dir = parent_dir(final_path);
    fs::create_dir_all(dir).map_err(|e| OutputError::io(dir, "cannot create directory", e))?;
    let partial = partial_path(final_path);
    for path in [final_path.to_path_buf(), partial.clone()] {
        match fs::symlink_metadata(&path) {
            Ok(meta) if meta.is_dir() => {
                let error = std::io::Error::new(ErrorKind::IsADirectory, "is a directory");
                return Err(OutputError::io(&path, "cannot be used as output", error));
            }
            // A live run's partial file is never taken over, even with --force.
            Ok(_) if path == partial && in_use(&path) => {
                return Err(OutputError::InUse { path });
            }
            Ok(_) if path == partial && !force => {
                return Err(OutputError::StalePartial { path });
            }
            Ok(_) if !force => return Err(OutputError::Exists { path }),
            // --force over a stale partial file: it is superseded by the new run's.
            Ok(_) if path == partial => remove_if_exists(&path)?,
            Ok(_) => {}
            Err(e) if e.kind() == ErrorKind::NotFound => {}
            Err(e) => return Err(OutputError::io(&path, "cannot inspect", e)),
        }
    }
    let probe = with_suffix(&tmp_path(final_path), "-probe");
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
        .map_err(|e| OutputError::io(dir, "directory is not writable", e))?;
    fs::remove_file(&probe).map_err(|e| OutputError::io(&probe, "cannot remove", e))
}

/// Whether a live process holds the lock on `path` (hdf5-pure's exclusive writer lock, which
/// the kernel drops when that process ends, however it ends).
pub fn in_use(path: &Path) -> bool {
    let Ok(file) = fs::File::open(path) else {
        return false;
    };
    matches!(file.try_lock(), Err(fs::TryLockError::WouldBlock))
}

/// Like [`write_atomically`], but `path` must not exist: the finished temporary is opened
/// with `open` (a writer open takes the file's lock) and only then linked to `path` (atomic,
/// and refused when the name exists) instead of renamed over it. So of two runs creating the
/// same partial file one wins and the other is told at once, and a run that sees the name
/// always sees it locked: a live run's file is never mistaken for one a stopped run left.
pub(crate) fn write_exclusively<T>(
    builder: FileBuilder,
    path: &Path,
    open: impl FnOnce(&Path) -> Result<T>,
) -> Result<T> {
    let tmp = tmp_path(path);
    let result = write_synced(builder, &tmp)
        .and_then(|()| open(&tmp))
        .and_then(|opened| link_new(&tmp, path).map(|()| opened));
    // The temporary name goes either way: on success `path` is the file's other name.
    let _ = fs::remove_file(&tmp);
    let opened = result?;
    sync_dir(parent_dir(path))?;
    Ok(opened)
}

/// Gives `tmp` the new name `path`, refusing when `path` exists.
fn link_new(tmp: &Path, path: &Path) -> Result<()> {
    let exists = || match in_use(path) {
        true => OutputError::InUse {
            path: path.to_path_buf(),
        },
        false => OutputError::StalePartial {
            path: path.to_path_buf(),
        },
    };
    match fs::hard_link(tmp, path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == ErrorKind::AlreadyExists => Err(exists()),
        // Filesystems without hard links: exclusive only up to a short race.
        Err(e)
            if matches!(
                e.kind(),
                ErrorKind::Unsupported | ErrorKind::PermissionDenied
            ) =>
        {
            if path.exists() {
                return Err(exists());
            }
            fs::copy(tmp, path)
                .map(|_| ())
                .map_err(|e| OutputError::io(path, "cannot create", e))
        }
        Err(e) => Err(OutputError::io(path, "cannot create", e)),
    }
}

/// Serializes `builder` to `<path>.tmp-<pid>`, fsyncs it, renames it onto `path` and fsyncs
/// the directory, so `path` never names a half-written file. The temporary is removed on
/// failure.
pub(crate) fn write_atomically(builder: FileBuilder, path: &Path) -> Result<()> {
    let tmp = tmp_path(path);
    let result = write_synced(builder, &tmp).and_then(|()| {
        fs::rename(&tmp, path).map_err(|e| OutputError::io(path, "cannot rename into place", e))
    });
    if result.is_err() {
        // Best effort: the original error is the one worth reporting.
        let _ = fs::remove_file(&tmp);
        return result;
    }
    sync_dir(parent_dir(path))
}

fn write_synced(builder: FileBuilder, tmp: &Path) -> Result<()> {
    let file = fs::File::create(tmp).map_err(|e| OutputError::io(tmp, "cannot create", e))?;
    let mut w = BufWriter::with_capacity(1 << 20, file);
    builder
        .finish_to(&mut w)
        .map_err(|e| OutputError::hdf5(tmp, "cannot write HDF5", e))?;
    w.flush()
        .map_err(|e| OutputError::io(tmp, "cannot write", e))?;
    let file = w
        .into_inner()
        .map_err(|e| OutputError::io(tmp, "cannot write", e.into_error()))?;
    file.sync_all()
        .map_err(|e| OutputError::io(tmp, "cannot sync to disk", e))
}

/// Makes a rename or removal in `dir` durable.
pub(crate) fn sync_dir(dir: &Path) -> Result<()> {
    let handle =
        fs::File::open(dir).map_err(|e| OutputError::io(dir, "cannot open directory", e))?;
    handle
        .sync_all()
        .map_err(|e| OutputError::io(dir, "cannot sync directory", e))
}

/// Removes `path` if it exists.
pub(crate) fn remove_if_exists(path: &Path) -> Result<()> {
    match fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
        Err(e) => Err(OutputError::io(path, "cannot remove", e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_append_suffixes() {
        let p = Path::new("out/run.h5");
        assert_eq!(partial_path(p), PathBuf::from("out/run.h5.partial"));
        let tmp = tmp_path(p).to_string_lossy().into_owned();
        assert_eq!(tmp, format!("out/run.h5.tmp-{}", std::process::id()));
        assert_eq!(parent_dir(Path::new("run.h5")), Path::new("."));
    }
}
