//! Library files as TrustShelf reads them: opened without blocking and only when regular, named in
//! the catalog by a `/`-separated relative path that survives names that are not UTF-8, and
//! identified by their content hash. Ingest, the extraction worker, the viewer and export all read
//! files through here, so each of these rules has one place.

use std::io::Read;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// Opens a library file for reading, refusing anything but a regular file. Opening never blocks: a
/// named pipe put where a document was is rejected instead of waiting for a writer forever.
pub fn open_regular(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
    let f = options.open(path)?;
    let file_type = f.metadata()?.file_type();
    if !file_type.is_file() {
        return Err(std::io::Error::other(format!("not a regular file ({})", describe_file_type(&file_type))));
    }
    Ok(f)
}

pub(crate) fn describe_file_type(t: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a named pipe";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_block_device() || t.is_char_device() {
            return "a device";
        }
    }
    if t.is_dir() {
        "a folder"
    } else {
        "a special file"
    }
}

/// The path the catalog stores for a file: relative to the library folder, `/`-separated. Bytes of
/// a name that are not UTF-8 are written as `\xNN` so that such files are catalogued too;
/// [`library_file`] turns the stored path back into the file's real name.
pub(crate) fn catalog_path(rel: &Path) -> String {
    let mut out = String::new();
    for (i, part) in rel.components().enumerate() {
        if i > 0 {
            out.push('/');
        }
        let os = part.as_os_str();
        match os.to_str() {
            Some(s) => out.push_str(s),
            None => {
                #[cfg(unix)]
                for chunk in std::os::unix::ffi::OsStrExt::as_bytes(os).utf8_chunks() {
                    out.push_str(chunk.valid());
                    for b in chunk.invalid() {
                        out.push_str(&format!("\\x{b:02X}"));
                    }
                }
                #[cfg(not(unix))]
                out.push_str(&os.to_string_lossy());
            }
        }
    }
    out
}

/// The file of a catalogued path (see [`catalog_path`]).
pub fn library_file(root: &Path, catalogued: &str) -> PathBuf {
    let literal = root.join(catalogued);
    #[cfg(unix)]
    if catalogued.contains("\\x") && std::fs::symlink_metadata(&literal).is_err() {
        let mut bytes = Vec::with_capacity(catalogued.len());
        let src = catalogued.as_bytes();
        let mut i = 0;
        while i < src.len() {
            let hex = src.get(i + 2..i + 4).and_then(|h| std::str::from_utf8(h).ok()).and_then(|h| u8::from_str_radix(h, 16).ok());
            match (src[i], src.get(i + 1), hex) {
                (b'\\', Some(b'x'), Some(b)) => {
                    bytes.push(b);
                    i += 4;
                }
                (c, _, _) => {
                    bytes.push(c);
                    i += 1;
                }
            }
        }
        return root.join(<std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(&bytes));
    }
    literal
}

/// A document's content hash: SHA-256 of its bytes, lower-case hex. The catalog keys extracted text
/// by it, bookmarks anchor to it and evidence packages cite it.
pub fn content_hash(bytes: &[u8]) -> String {
    hash_reader(bytes).expect("reading a byte slice cannot fail")
}

/// The content hash (see [`content_hash`]) of a regular file, read in chunks.
pub fn hash_file(path: &Path) -> std::io::Result<String> {
    hash_reader(open_regular(path)?)
}

/// The one place the content hash is computed, from bytes or from a file alike.
fn hash_reader(mut content: impl Read) -> std::io::Result<String> {
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = content.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex::encode(h.finalize()))
}

/// The whole content of a regular file (see [`open_regular`]).
pub fn read_regular(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    open_regular(path)?.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// The first bytes of a file, enough to recognise its format.
pub(crate) fn read_head(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut f = open_regular(path)?;
    let mut buf = vec![0u8; 8192];
    let mut n = 0;
    while n < buf.len() {
        let r = f.read(&mut buf[n..])?;
        if r == 0 {
            break;
        }
        n += r;
    }
    buf.truncate(n);
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_hash_of_bytes_and_of_file_agree() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        let bytes = vec![7u8; 300 * 1024 + 5]; // more than one read chunk
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(hash_file(&path).unwrap(), content_hash(&bytes));
        assert_eq!(content_hash(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(read_regular(&path).unwrap(), bytes);
    }

    #[cfg(unix)]
    #[test]
    fn names_that_are_not_utf8_round_trip() {
        use std::os::unix::ffi::OsStrExt;
        let dir = tempfile::tempdir().unwrap();
        let name = std::ffi::OsStr::from_bytes(b"caf\xe9.txt");
        std::fs::write(dir.path().join(name), b"x").unwrap();
        let stored = catalog_path(Path::new(name));
        assert_eq!(stored, "caf\\xE9.txt");
        assert!(library_file(dir.path(), &stored).is_file());
    }

    #[cfg(unix)]
    #[test]
    fn a_named_pipe_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe.pdf");
        let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
        let err = open_regular(&fifo).unwrap_err();
        assert!(err.to_string().contains("named pipe"), "{err}");
    }
}
