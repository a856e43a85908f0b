//! Reading and writing the files afc works on, safely, in one place for every command.
//!
//! - **Reads are capped** ([`read_text`], [`read_capped`]): the read itself stops after the
//!   limit, so devices and pipes whose size is unknown (`/dev/zero`, a FIFO) cannot make afc
//!   read until memory runs out; regular files known to be too large are refused unread.
//! - **Writes are atomic** ([`write_atomic`], [`AtomicFile`]): the text goes to a temporary file
//!   with a random name, created exclusively beside the target (so a planted file or symbolic
//!   link at a predictable name is never followed), and is then renamed over the target. An
//!   interrupted run leaves the old file or the new one, never half of one. Writing to a
//!   symbolic link writes its target and keeps the link. A replaced file keeps its permissions.
//!   A target that is not a regular file (`/dev/null`, `/dev/stdout`, a FIFO) is written in
//!   place: a device is never replaced by a file.
//! - **Identity** ([`FileId`]): whether two paths name the same file, so that a command can
//!   refuse to overwrite its own inputs and a directory walk can visit each directory once.
//!
//! This crate knows nothing about flows, STIX or diagnostics: paths, bytes and I/O errors.

use std::fmt;
use std::fs::{self, File};
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

/// Why a file could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// The operating system's error.
    Io(io::Error),
    /// The input holds more than `limit` bytes; `size` when it was known before reading.
    TooLarge { limit: u64, size: Option<u64> },
    /// The bytes are not UTF-8; the first `valid_up_to` bytes are.
    NotUtf8 { valid_up_to: usize },
}

impl From<io::Error> for ReadError {
    fn from(e: io::Error) -> Self {
        ReadError::Io(e)
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Io(e) => write!(f, "{e}"),
            ReadError::TooLarge { limit, .. } => {
                write!(f, "larger than {} (the most afc reads)", human_size(*limit))
            }
            ReadError::NotUtf8 { valid_up_to } => write!(f, "not UTF-8 text (byte {valid_up_to})"),
        }
    }
}

impl std::error::Error for ReadError {}

/// `256 MiB`, `1 KiB`, `100 bytes`.
pub fn human_size(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= 1024 && bytes.is_multiple_of(1024) {
        format!("{} KiB", bytes / 1024)
    } else {
        format!("{bytes} bytes")
    }
}

/// Reads at most `limit` bytes from `reader`; more is [`ReadError::TooLarge`]. At most
/// `limit + 1` bytes are ever read, and the buffer never grows past `limit + 1` bytes: it
/// doubles up to that and no further, so an endless input costs at most about one and a half
/// times the limit while the last copy is made (doubling freely would reach twice the limit,
/// and three times while copying).
pub fn read_capped(reader: impl Read, limit: u64) -> Result<Vec<u8>, ReadError> {
    let most = usize::try_from(limit.saturating_add(1)).unwrap_or(usize::MAX);
    let mut reader = reader.take(limit.saturating_add(1));
    let mut bytes: Vec<u8> = Vec::new();
    loop {
        if bytes.len() == bytes.capacity() {
            let grown = bytes.capacity().saturating_mul(2).max(8 * 1024).min(most);
            if grown <= bytes.len() {
                break; // `limit + 1` bytes are in: the input is too large.
            }
            bytes
                .try_reserve_exact(grown - bytes.len())
                .map_err(|_| std::io::Error::from(std::io::ErrorKind::OutOfMemory))?;
        }
        // Fill the room there is, and no more (read_to_end would grow the buffer itself).
        let room = (bytes.capacity() - bytes.len()) as u64;
        if (&mut reader).take(room).read_to_end(&mut bytes)? == 0 {
            break;
        }
    }
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge { limit, size: None });
    }
    Ok(bytes)
}

/// Reads the file at `path`, at most `limit` bytes: a regular file known to be larger is
/// refused before reading, and the read stops after `limit` bytes whatever the file is.
pub fn read_bytes(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let file = File::open(path)?;
    if let Ok(meta) = file.metadata() {
        if meta.is_file() && meta.len() > limit {
            return Err(ReadError::TooLarge {
                limit,
                size: Some(meta.len()),
            });
        }
    }
    read_capped(file, limit)
}

/// Reads the file at `path` as UTF-8 text, at most `limit` bytes (see [`read_bytes`]).
pub fn read_text(path: &Path, limit: u64) -> Result<String, ReadError> {
    utf8(read_bytes(path, limit)?)
}

/// Reads `reader` as UTF-8 text, at most `limit` bytes (see [`read_capped`]).
pub fn read_text_from(reader: impl Read, limit: u64) -> Result<String, ReadError> {
    utf8(read_capped(reader, limit)?)
}

fn utf8(bytes: Vec<u8>) -> Result<String, ReadError> {
    String::from_utf8(bytes).map_err(|e| ReadError::NotUtf8 {
        valid_up_to: e.utf8_error().valid_up_to(),
    })
}

/// What [`write_atomic`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// The file already held exactly these bytes and was left untouched (its modification
    /// time stays, which build tools rely on).
    Unchanged,
    /// The file was created or replaced.
    Written,
}

/// Writes `bytes` to `path` atomically (see [`AtomicFile`]), unless the file already holds
/// exactly these bytes. The directory must exist.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<Written> {
    if is_special(path) {
        let mut file = AtomicFile::create(path)?;
        file.write_all(bytes)?;
        file.commit()?;
        return Ok(Written::Written);
    }
    let target = resolve_links(path)?;
    if same_content(&target, bytes) {
        return Ok(Written::Unchanged);
    }
    let mut file = AtomicFile::create(&target)?;
    file.write_all(bytes)?;
    file.commit()?;
    Ok(Written::Written)
}

/// Whether the file at `path` holds exactly `bytes` (false when it cannot be read).
pub fn same_content(path: &Path, bytes: &[u8]) -> bool {
    let Ok(meta) = fs::metadata(path) else {
        return false;
    };
    if !meta.is_file() || meta.len() != bytes.len() as u64 {
        return false;
    }
    fs::read(path).is_ok_and(|b| b == bytes)
}

/// A file being written: the bytes go to a temporary file beside the target, created
/// exclusively with a random name; [`AtomicFile::commit`] renames it over the target.
/// Dropped without a commit, the temporary file is removed and the target is untouched.
pub struct AtomicFile {
    out: Out,
    target: PathBuf,
}

enum Out {
    /// A temporary file, renamed over the target on commit.
    Temp(BufWriter<tempfile::NamedTempFile>),
    /// A device or FIFO, written in place (renaming over it would replace the device).
    Direct(BufWriter<File>),
}

/// Whether `path` names (through links) something that exists and is neither a regular file
/// nor a directory: a device, a FIFO, a socket.
fn is_special(path: &Path) -> bool {
    fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

impl AtomicFile {
    /// Starts writing `path` (through symbolic links: the link's target is written). The
    /// directory must exist.
    pub fn create(path: &Path) -> io::Result<AtomicFile> {
        if is_special(path) {
            let file = fs::OpenOptions::new().write(true).open(path)?;
            return Ok(AtomicFile {
                out: Out::Direct(BufWriter::new(file)),
                target: path.to_path_buf(),
            });
        }
        let target = resolve_links(path)?;
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let prefix = format!(".{name}.");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".afc-tmp");
        #[cfg(unix)]
        {
            // Like a file created by `>`: read and write for everyone, less the umask
            // (tempfile's own default is owner-only).
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(fs::Permissions::from_mode(0o666));
        }
        let tmp = builder.tempfile_in(&dir)?;
        Ok(AtomicFile {
            out: Out::Temp(BufWriter::new(tmp)),
            target,
        })
    }

    /// The file that [`AtomicFile::commit`] replaces.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Moves the written bytes into place. A file that existed keeps its permissions.
    pub fn commit(self) -> io::Result<()> {
        let tmp = match self.out {
            Out::Temp(tmp) => tmp,
            Out::Direct(mut file) => return file.flush(),
        };
        let tmp = tmp.into_inner().map_err(|e| e.into_error())?;
        if let Ok(meta) = fs::metadata(&self.target) {
            fs::set_permissions(tmp.path(), meta.permissions())?;
        }
        tmp.persist(&self.target).map_err(|e| e.error)?;
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.out {
            Out::Temp(w) => w.write(buf),
            Out::Direct(w) => w.write(buf),
        }
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match &mut self.out {
            Out::Temp(w) => w.write_all(buf),
            Out::Direct(w) => w.write_all(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match &mut self.out {
            Out::Temp(w) => w.flush(),
            Out::Direct(w) => w.flush(),
        }
    }
}

/// Follows symbolic links at the end of `path` to the file they name (which need not exist
/// yet). Links in the directories above are left to the operating system.
pub fn resolve_links(path: &Path) -> io::Result<PathBuf> {
    let mut p = path.to_path_buf();
    // Linux gives up after 40 links too (ELOOP).
    for _ in 0..40 {
        match fs::symlink_metadata(&p) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let link = fs::read_link(&p)?;
                p = match p.parent() {
                    Some(dir) if link.is_relative() => dir.join(link),
                    _ => link,
                };
            }
            Ok(_) => return Ok(p),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(p),
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::other(format!(
        "{}: too many levels of symbolic links",
        path.display()
    )))
}

/// The identity of an existing file or directory: two paths with equal ids name the same
/// file, whatever links and `..` lie between them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FileId(Id);

#[cfg(unix)]
type Id = (u64, u64);
#[cfg(not(unix))]
type Id = PathBuf;

impl FileId {
    /// The id of the file `path` names (following symbolic links); `None` when it does not
    /// exist or cannot be examined.
    pub fn of(path: &Path) -> Option<FileId> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let meta = fs::metadata(path).ok()?;
            Some(FileId((meta.dev(), meta.ino())))
        }
        #[cfg(not(unix))]
        {
            fs::canonicalize(path).ok().map(FileId)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> tempfile::TempDir {
        tempfile::Builder::new()
            .prefix(&format!("af-fs-{name}-"))
            .tempdir()
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn capped_reads_stop_at_the_limit() {
        let endless = io::repeat(b'x');
        match read_capped(endless, 1000) {
            Err(ReadError::TooLarge {
                limit: 1000,
                size: None,
            }) => {}
            other => panic!("{other:?}"),
        }
        assert_eq!(read_capped(&b"abc"[..], 3).ok(), Some(b"abc".to_vec()));
        // The buffer grows to `limit + 1` at most, whatever the sizes on the way.
        for (len, limit) in [
            (0, 10),
            (100_000, 100_000),
            (70_000, 100_000),
            (8192, 8192),
            (8193, 20_000),
        ] {
            let input = vec![b'y'; len];
            let read = read_capped(&input[..], limit as u64).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(read, input);
            assert!(read.capacity() <= limit + 1, "{len}/{limit}: {}", read.capacity());
        }
        assert!(matches!(
            read_capped(&vec![b'y'; 100_001][..], 100_000),
            Err(ReadError::TooLarge { .. })
        ));
        assert!(matches!(
            read_text_from(&b"a\xffb"[..], 10),
            Err(ReadError::NotUtf8 { valid_up_to: 1 })
        ));
    }

    #[cfg(unix)]
    #[test]
    fn devices_are_written_in_place_never_replaced() {
        use std::os::unix::fs::FileTypeExt;
        // /dev/null stays the device (renaming a file over it as root would replace it).
        assert_eq!(
            write_atomic(Path::new("/dev/null"), b"x").ok(),
            Some(Written::Written)
        );
        assert!(fs::metadata("/dev/null").is_ok_and(|m| m.file_type().is_char_device()));
        // A link to a device (as /dev/stdout is) writes the device.
        let dir = scratch("device");
        let link = dir.path().join("out");
        std::os::unix::fs::symlink("/dev/null", &link).unwrap_or_else(|e| panic!("{e}"));
        let mut file = AtomicFile::create(&link).unwrap_or_else(|e| panic!("{e}"));
        file.write_all(b"diagnostics").unwrap_or_else(|e| panic!("{e}"));
        file.commit().unwrap_or_else(|e| panic!("{e}"));
        assert!(fs::symlink_metadata(&link).is_ok_and(|m| m.file_type().is_symlink()));
        assert!(fs::metadata("/dev/null").is_ok_and(|m| m.file_type().is_char_device()));
    }

    #[cfg(unix)]
    #[test]
    fn devices_are_capped_too() {
        // /dev/zero reports a length of 0 and never ends.
        match read_text(Path::new("/dev/zero"), 4096) {
            Err(ReadError::TooLarge { limit: 4096, .. }) => {}
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn large_regular_files_are_refused_unread() {
        let dir = scratch("large");
        let path = dir.path().join("big");
        let f = File::create(&path).unwrap_or_else(|e| panic!("{e}"));
        f.set_len(10_000).unwrap_or_else(|e| panic!("{e}"));
        match read_bytes(&path, 100) {
            Err(ReadError::TooLarge {
                limit: 100,
                size: Some(10_000),
            }) => {}
            other => panic!("{other:?}"),
        }
        assert_eq!(
            ReadError::TooLarge {
                limit: 256 << 20,
                size: None
            }
            .to_string(),
            "larger than 256 MiB (the most afc reads)"
        );
    }

    #[test]
    fn atomic_writes_create_replace_and_keep_unchanged_files() {
        let dir = scratch("write");
        let path = dir.path().join("a.txt");
        assert_eq!(write_atomic(&path, b"one").ok(), Some(Written::Written));
        assert_eq!(write_atomic(&path, b"one").ok(), Some(Written::Unchanged));
        assert_eq!(write_atomic(&path, b"two").ok(), Some(Written::Written));
        assert_eq!(fs::read(&path).ok(), Some(b"two".to_vec()));
        // Nothing is left behind.
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap_or_else(|e| panic!("{e}"))
            .filter_map(Result::ok)
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names, ["a.txt"]);
    }

    #[test]
    fn an_uncommitted_file_leaves_the_target_alone() {
        let dir = scratch("drop");
        let path = dir.path().join("a.txt");
        fs::write(&path, "old").unwrap_or_else(|e| panic!("{e}"));
        {
            let mut f = AtomicFile::create(&path).unwrap_or_else(|e| panic!("{e}"));
            f.write_all(b"new").unwrap_or_else(|e| panic!("{e}"));
        }
        assert_eq!(fs::read_to_string(&path).ok().as_deref(), Some("old"));
        assert_eq!(fs::read_dir(dir.path()).map(Iterator::count).ok(), Some(1));
    }

    #[cfg(unix)]
    #[test]
    fn links_are_written_through_and_planted_names_are_not_followed() {
        use std::os::unix::fs::{symlink, PermissionsExt};
        let dir = scratch("links");
        let real = dir.path().join("real.af");
        fs::write(&real, "old").unwrap_or_else(|e| panic!("{e}"));
        fs::set_permissions(&real, fs::Permissions::from_mode(0o640)).unwrap_or_else(|e| panic!("{e}"));
        let link = dir.path().join("link.af");
        symlink("real.af", &link).unwrap_or_else(|e| panic!("{e}"));
        // A planted link at the name older afc versions used for their temporary file.
        let victim = dir.path().join("victim");
        fs::write(&victim, "keep").unwrap_or_else(|e| panic!("{e}"));
        symlink(&victim, dir.path().join(".real.af.afc-fmt.tmp")).unwrap_or_else(|e| panic!("{e}"));

        assert_eq!(write_atomic(&link, b"new").ok(), Some(Written::Written));
        assert!(fs::symlink_metadata(&link).is_ok_and(|m| m.file_type().is_symlink()));
        assert_eq!(fs::read_to_string(&real).ok().as_deref(), Some("new"));
        assert_eq!(fs::read_to_string(&victim).ok().as_deref(), Some("keep"));
        let mode = fs::metadata(&real).map(|m| m.permissions().mode() & 0o777).ok();
        assert_eq!(mode, Some(0o640), "a replaced file keeps its permissions");
        assert_eq!(FileId::of(&link), FileId::of(&real));
        assert_ne!(FileId::of(&victim), FileId::of(&real));
    }
}
