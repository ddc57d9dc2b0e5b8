//! What the first bytes of a media file say (its type and kind), and how
//! its end is checked when no `Content-Length` gives the size: MP4 boxes
//! ([`BoxWalker`]), PNG chunks up to `IEND` ([`PngWalker`]), JPEG's end
//! marker `FF D9`, and the size in a RIFF header (WAV, WebP, AVI).

use crate::model::OutputKind;
use crate::mp4::BoxWalker;

/// What the first bytes of a body look like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Sniffed {
    /// The media type they belong to.
    pub(crate) media_type: &'static str,
    /// The output kind, when the format holds one kind only.
    pub(crate) kind: Option<OutputKind>,
}

/// The media type and kind of a few common formats, from their first bytes
/// (16 are enough). MP4's brand tells audio (`M4A `) and still images
/// (`heic`, `avif`) from video; WebM and Ogg may be either sound or video.
pub(crate) fn sniff(head: &[u8]) -> Option<Sniffed> {
    use OutputKind::{Audio, Image, Video};
    let found = |media_type, kind| {
        Some(Sniffed {
            media_type,
            kind: Some(kind),
        })
    };
    match head {
        [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => found("image/png", Image),
        [0xFF, 0xD8, 0xFF, ..] => found("image/jpeg", Image),
        [b'G', b'I', b'F', b'8', ..] => found("image/gif", Image),
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'A', b'V', b'E', ..] => {
            found("audio/wav", Audio)
        }
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => {
            found("image/webp", Image)
        }
        [b'R', b'I', b'F', b'F', _, _, _, _, b'A', b'V', b'I', b' ', ..] => {
            found("video/x-msvideo", Video)
        }
        [b'f', b'L', b'a', b'C', ..] => found("audio/flac", Audio),
        [b'I', b'D', b'3', ..] => found("audio/mpeg", Audio),
        [0xFF, 0xFB | 0xF3 | 0xF2, ..] => found("audio/mpeg", Audio),
        [b'O', b'g', b'g', b'S', ..] => Some(Sniffed {
            media_type: "application/ogg",
            kind: None,
        }),
        [0x1A, 0x45, 0xDF, 0xA3, ..] => Some(Sniffed {
            media_type: "video/webm",
            kind: None,
        }),
        [_, _, _, _, b'f', b't', b'y', b'p', b0, b1, b2, b3, ..] => match &[*b0, *b1, *b2, *b3] {
            b"M4A " | b"M4B " | b"M4P " => found("audio/mp4", Audio),
            b"heic" | b"heix" | b"mif1" | b"msf1" => found("image/heic", Image),
            b"avif" | b"avis" => found("image/avif", Image),
            b"qt  " => found("video/quicktime", Video),
            _ => found("video/mp4", Video),
        },
        _ if BoxWalker::looks_like_mp4(head) => found("video/mp4", Video),
        _ => None,
    }
}

/// How the end of a body is checked when no `Content-Length` gives it.
#[derive(Debug, Clone)]
pub(crate) enum EndCheck {
    /// MP4's top-level boxes must end exactly at the end.
    Mp4(BoxWalker),
    /// PNG's chunks must reach `IEND`.
    Png(PngWalker),
    /// A JPEG must end with its end marker `FF D9`; the last two bytes.
    Jpeg([u8; 2]),
    /// A RIFF file (WAV, WebP, AVI) is 8 bytes plus the size its header
    /// gives (plus one pad byte when that size is odd).
    Riff(u64),
}

impl EndCheck {
    /// The check the first bytes call for, when their format has one. A
    /// RIFF header whose size is 0 or `FFFFFFFF` (a WAV streamed before
    /// its length was known) gives none.
    pub(crate) fn for_head(head: &[u8]) -> Option<EndCheck> {
        match sniff(head)?.media_type {
            "image/png" => Some(EndCheck::Png(PngWalker::default())),
            "image/jpeg" => Some(EndCheck::Jpeg([0, 0])),
            "audio/wav" | "image/webp" | "video/x-msvideo" => {
                let size = u32::from_le_bytes([head[4], head[5], head[6], head[7]]);
                (size != 0 && size != u32::MAX).then(|| EndCheck::Riff(8 + u64::from(size)))
            }
            _ if BoxWalker::looks_like_mp4(head) => Some(EndCheck::Mp4(BoxWalker::default())),
            _ => None,
        }
    }

    /// Takes the next piece of the body.
    pub(crate) fn feed(&mut self, chunk: &[u8]) {
        match self {
            EndCheck::Mp4(walker) => walker.feed(chunk),
            EndCheck::Png(walker) => walker.feed(chunk),
            EndCheck::Jpeg(last) => match chunk {
                [] => {}
                [only] => *last = [last[1], *only],
                [.., a, b] => *last = [*a, *b],
            },
            EndCheck::Riff(_) => {}
        }
    }

    /// Whether the body ended where its format says, after `received`
    /// bytes in all; else why not.
    pub(crate) fn check_end(&self, received: u64) -> Result<(), String> {
        match self {
            EndCheck::Mp4(walker) => walker.check_end(),
            EndCheck::Png(walker) => walker.check_end(),
            EndCheck::Jpeg(last) if *last == [0xFF, 0xD9] => Ok(()),
            EndCheck::Jpeg(_) => Err(format!(
                "the JPEG does not end with its end marker (FF D9) after {received} bytes: it was cut off"
            )),
            EndCheck::Riff(total) => {
                let padded = total + total % 2;
                if received == *total || received == padded {
                    Ok(())
                } else if received < *total {
                    Err(format!(
                        "the file was cut off: received {received} of the {total} bytes its RIFF header gives"
                    ))
                } else {
                    Err(format!(
                        "the file is longer ({received} bytes) than the {total} bytes its RIFF header gives"
                    ))
                }
            }
        }
    }
}

/// Follows the chunks of a PNG stream (8-byte signature, then chunks of
/// length, type, data and CRC) until `IEND`, keeping only the header of
/// the chunk being read. Bytes after `IEND` do not matter.
#[derive(Debug, Default, Clone)]
pub(crate) struct PngWalker {
    /// Bytes fed so far.
    received: u64,
    /// Where the next chunk starts.
    chunk_start: u64,
    /// The header (length and type) of that chunk read so far.
    header: Vec<u8>,
    /// Whether `IEND` was read whole.
    done: bool,
    /// Where `IEND` ends, once its header was read.
    iend_end: Option<u64>,
}

const PNG_SIGNATURE_LEN: u64 = 8;

impl PngWalker {
    /// Takes the next piece of the stream.
    pub(crate) fn feed(&mut self, chunk: &[u8]) {
        let start = self.received;
        self.received += chunk.len() as u64;
        if self.chunk_start == 0 {
            self.chunk_start = PNG_SIGNATURE_LEN;
        }
        while self.iend_end.is_none() {
            let wanted_at = self.chunk_start + self.header.len() as u64;
            if wanted_at >= self.received {
                break;
            }
            if wanted_at < start {
                // Cannot happen: headers are read as they pass.
                break;
            }
            let at = (wanted_at - start) as usize;
            let take = (8 - self.header.len()).min(chunk.len() - at);
            self.header.extend_from_slice(&chunk[at..at + take]);
            if self.header.len() < 8 {
                continue;
            }
            let len = u32::from_be_bytes([
                self.header[0],
                self.header[1],
                self.header[2],
                self.header[3],
            ]);
            let end = self.chunk_start + 8 + u64::from(len) + 4;
            if &self.header[4..8] == b"IEND" {
                self.iend_end = Some(end);
            }
            self.chunk_start = end;
            self.header.clear();
        }
        if let Some(end) = self.iend_end {
            self.done = self.received >= end;
        }
    }

    /// Whether the stream reached the end of `IEND`.
    pub(crate) fn check_end(&self) -> Result<(), String> {
        if self.done {
            Ok(())
        } else {
            Err(format!(
                "the PNG was cut off after {} bytes, before its IEND chunk ended",
                self.received
            ))
        }
    }
}

/// The file extension (without a dot) for a media type's essence, when it
/// is a known one. JPEG is `jpg`.
pub(crate) fn extension_for(essence: &str) -> Option<&'static str> {
    Some(match essence {
        "image/jpeg" | "image/jpg" | "image/pjpeg" => "jpg",
        "image/png" => "png",
        "image/webp" => "webp",
        "image/gif" => "gif",
        "image/avif" => "avif",
        "image/heic" => "heic",
        "image/bmp" => "bmp",
        "image/tiff" => "tiff",
        "image/svg+xml" => "svg",
        "audio/mpeg" | "audio/mp3" | "audio/mpeg3" | "audio/x-mpeg-3" => "mp3",
        "audio/wav" | "audio/x-wav" | "audio/wave" | "audio/vnd.wave" => "wav",
        "audio/ogg" | "application/ogg" | "audio/opus" => "ogg",
        "audio/flac" | "audio/x-flac" => "flac",
        "audio/aac" => "aac",
        "audio/mp4" | "audio/x-m4a" | "audio/m4a" => "m4a",
        "audio/webm" | "video/webm" => "webm",
        "video/mp4" | "application/mp4" => "mp4",
        "video/quicktime" => "mov",
        "video/x-msvideo" => "avi",
        "video/x-matroska" => "mkv",
        "video/3gpp" => "3gp",
        "video/ogg" => "ogv",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal PNG: signature, IHDR (13 bytes), IEND.
    fn png() -> Vec<u8> {
        let mut out = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
        out.extend_from_slice(&13u32.to_be_bytes());
        out.extend_from_slice(b"IHDR");
        out.extend_from_slice(&[0; 13]);
        out.extend_from_slice(&[0; 4]);
        out.extend_from_slice(&0u32.to_be_bytes());
        out.extend_from_slice(b"IEND");
        out.extend_from_slice(&[0xAE, 0x42, 0x60, 0x82]);
        out
    }

    fn walk(bytes: &[u8], piece: usize) -> Result<(), String> {
        let mut check = EndCheck::for_head(bytes).expect("a check");
        for chunk in bytes.chunks(piece) {
            check.feed(chunk);
        }
        check.check_end(bytes.len() as u64)
    }

    #[test]
    fn png_ends_at_iend_in_any_pieces() {
        let file = png();
        for piece in [1, 3, 8, 1000] {
            assert_eq!(walk(&file, piece), Ok(()), "{piece}");
            for cut in [9, 20, file.len() - 1] {
                assert!(walk(&file[..cut], piece).is_err(), "{piece} {cut}");
            }
        }
    }

    #[test]
    fn jpeg_needs_its_end_marker() {
        let mut file = vec![
            0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
        ];
        file.extend_from_slice(&[0xFF, 0xD9]);
        for piece in [1, 2, 5, 100] {
            assert_eq!(walk(&file, piece), Ok(()), "{piece}");
            assert!(walk(&file[..file.len() - 1], piece).is_err(), "{piece}");
        }
    }

    #[test]
    fn riff_size_is_honoured_and_placeholders_give_no_check() {
        let mut wav = b"RIFF\0\0\0\0WAVEfmt ".to_vec();
        wav.extend_from_slice(&[0; 20]);
        let size = (wav.len() - 8) as u32;
        wav[4..8].copy_from_slice(&size.to_le_bytes());
        assert_eq!(walk(&wav, 7), Ok(()));
        assert!(walk(&wav[..wav.len() - 3], 7)
            .unwrap_err()
            .contains("cut off"));
        let mut longer = wav.clone();
        longer.extend_from_slice(&[0, 0]);
        assert!(walk(&longer, 7).unwrap_err().contains("longer"));
        wav[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(EndCheck::for_head(&wav).is_none());
    }

    #[test]
    fn sniffing_tells_kinds_apart() {
        let kind = |head: &[u8]| sniff(head).and_then(|s| s.kind);
        assert_eq!(kind(&png()), Some(OutputKind::Image));
        assert_eq!(
            kind(b"\0\0\0\x20ftypisom\0\0\x02\0"),
            Some(OutputKind::Video)
        );
        assert_eq!(
            kind(b"\0\0\0\x20ftypM4A \0\0\x02\0"),
            Some(OutputKind::Audio)
        );
        assert_eq!(
            kind(b"\0\0\0\x20ftypavif\0\0\x02\0"),
            Some(OutputKind::Image)
        );
        assert_eq!(kind(b"RIFF\x10\0\0\0WAVEfmt "), Some(OutputKind::Audio));
        assert_eq!(kind(b"RIFF\x10\0\0\0WEBPVP8 "), Some(OutputKind::Image));
        assert_eq!(kind(b"ID3\x04\0\0\0\0\0\0"), Some(OutputKind::Audio));
        assert_eq!(kind(b"OggS\0\x02"), None);
        assert!(sniff(b"plain text").is_none());
    }

    #[test]
    fn extensions() {
        assert_eq!(extension_for("image/jpeg"), Some("jpg"));
        assert_eq!(extension_for("audio/x-wav"), Some("wav"));
        assert_eq!(extension_for("video/quicktime"), Some("mov"));
        assert_eq!(extension_for("application/octet-stream"), None);
    }
}
