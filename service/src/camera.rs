//! Camera frames to symbols, for `POST /v1/decode` (the web UI's "Use camera" button).
//!
//! One frame (a JPEG or PNG still from the browser's camera) is decoded to greyscale and
//! read by the barcode crate's [`Reader`] with its default single-read options (not
//! `exhaustive`) and a short time budget ([`CAMERA_BUDGET`]): a camera sends the next frame
//! a tenth of a second later, so a frame the reader cannot settle quickly answers "nothing
//! read" (with `timed_out`) and the next frame gets another chance. The budget never
//! changes what is read: every symbol still passes Reed–Solomon and, to count as GS1, the
//! GS1 validation of `bedside-gs1`; a frame cut short finds fewer symbols, never a wrong one.
//!
//! The work is bounded: at most [`FrameDecoder::workers`] frames are decoded at once (on
//! tokio's blocking pool, each with a reader of its own that keeps its worker thread between
//! calls), and at most [`FrameDecoder::queue`] more wait for a slot. A frame beyond that is
//! refused at once ([`DecodeError::Busy`], answered 503 with `Retry-After`) rather than
//! queued without bound.
//!
//! Frames are never stored, logged or audited: the bytes live in memory for the length of
//! the call. What the camera read becomes a scan only when the page sends it on to
//! `POST /v1/identify` or the medicines check, which audit it as they audit any scan.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bedside_barcode::ImageError;
use bedside_barcode::reader::{Decoded, GrayImage, Reader, ReaderOptions};
use tokio::sync::Semaphore;

/// The largest frame accepted, in bytes (2 MiB).
pub const MAX_FRAME_BYTES: usize = 2 * 1024 * 1024;

/// The reader's time budget per frame. Measured (service/benches/README.md): a frame
/// holding a readable band is read in a few milliseconds; a frame the cascade cannot
/// settle (text, patterns that look like a symbol) would otherwise run to the reader's
/// default 250 ms. Debug builds (the test suite) run the reader many times slower, so
/// there, as the reader's own default does, the budget is longer (1 s).
pub const CAMERA_BUDGET: Duration = if cfg!(debug_assertions) {
    Duration::from_secs(1)
} else {
    Duration::from_millis(10)
};

/// Frames waiting for a decode slot beyond those being decoded.
pub const DEFAULT_QUEUE: usize = 8;

/// The two image formats a frame may be sent in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameFormat {
    /// `image/jpeg` (what the web UI sends).
    Jpeg,
    /// `image/png`.
    Png,
}

impl FrameFormat {
    /// The format named by a `Content-Type` value (parameters ignored), if accepted.
    ///
    /// ```
    /// use bedside::camera::FrameFormat;
    /// assert_eq!(FrameFormat::from_content_type("image/jpeg"), Some(FrameFormat::Jpeg));
    /// assert_eq!(FrameFormat::from_content_type("IMAGE/PNG; x=1"), Some(FrameFormat::Png));
    /// assert_eq!(FrameFormat::from_content_type("image/gif"), None);
    /// ```
    #[must_use]
    pub fn from_content_type(value: &str) -> Option<FrameFormat> {
        let media = value.split(';').next().unwrap_or_default().trim();
        if media.eq_ignore_ascii_case("image/jpeg") {
            Some(FrameFormat::Jpeg)
        } else if media.eq_ignore_ascii_case("image/png") {
            Some(FrameFormat::Png)
        } else {
            None
        }
    }

    /// The media type.
    #[must_use]
    pub fn media_type(self) -> &'static str {
        match self {
            FrameFormat::Jpeg => "image/jpeg",
            FrameFormat::Png => "image/png",
        }
    }

    /// Whether `bytes` start with this format's signature.
    fn signed(self, bytes: &[u8]) -> bool {
        match self {
            FrameFormat::Jpeg => bytes.starts_with(&[0xFF, 0xD8, 0xFF]),
            FrameFormat::Png => bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        }
    }
}

/// Why a frame was not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// Every decode slot is busy and the queue is full: send the frame again later.
    #[error("the frame decoder is busy: every decode slot and queue place is taken")]
    Busy,
    /// The bytes do not start like the declared format.
    #[error("the body does not start with the {declared} signature: it is not that kind of image")]
    WrongFormat {
        /// The `Content-Type` sent.
        declared: &'static str,
    },
    /// The image could not be decoded.
    #[error("the image cannot be decoded: {0}")]
    Image(#[from] ImageError),
    /// The decode task ended without an answer (it panicked or the runtime is stopping).
    #[error("the frame decoder stopped before answering")]
    Stopped,
}

/// What one frame gave.
#[derive(Debug, Clone)]
pub struct FrameRead {
    /// The reader's answer.
    pub decoded: Decoded,
    /// Time spent decoding the image and reading it (not waiting for a slot).
    pub work: Duration,
    /// Time spent waiting for a decode slot.
    pub waited: Duration,
    /// Width and height of the frame in pixels.
    pub size: (usize, usize),
}

/// The bounded frame decoder shared by every `POST /v1/decode` (one per service).
#[derive(Debug)]
pub struct FrameDecoder {
    opts: ReaderOptions,
    workers: usize,
    queue: usize,
    slots: Semaphore,
    admitted: AtomicUsize,
    readers: Mutex<Vec<Reader>>,
}

/// Counts a frame admitted (decoding or queued) until it is answered or abandoned.
struct Admitted<'a>(&'a AtomicUsize);

impl Drop for Admitted<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

impl FrameDecoder {
    /// A decoder with `workers` concurrent decodes (at least one) and `queue` waiting
    /// places, reading with the default options and `budget`.
    ///
    /// ```
    /// let d = bedside::camera::FrameDecoder::new(2, 8, std::time::Duration::from_millis(20));
    /// assert_eq!((d.workers(), d.queue()), (2, 8));
    /// ```
    #[must_use]
    pub fn new(workers: usize, queue: usize, budget: Duration) -> FrameDecoder {
        let workers = workers.max(1);
        let opts = ReaderOptions {
            budget,
            ..ReaderOptions::default()
        };
        FrameDecoder {
            opts,
            workers,
            queue,
            slots: Semaphore::new(workers),
            admitted: AtomicUsize::new(0),
            readers: Mutex::new((0..workers).map(|_| Reader::new(opts)).collect()),
        }
    }

    /// The service's decoder: one decode slot per CPU (at most four), [`DEFAULT_QUEUE`]
    /// waiting places, [`CAMERA_BUDGET`].
    #[must_use]
    pub fn for_service() -> FrameDecoder {
        let cpus = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        FrameDecoder::new(cpus.min(4), DEFAULT_QUEUE, CAMERA_BUDGET)
    }

    /// Frames decoded at once.
    #[must_use]
    pub fn workers(&self) -> usize {
        self.workers
    }

    /// Frames that may wait for a slot.
    #[must_use]
    pub fn queue(&self) -> usize {
        self.queue
    }

    /// The reader options every frame is read with.
    #[must_use]
    pub fn options(&self) -> &ReaderOptions {
        &self.opts
    }

    /// Decodes and reads one frame.
    ///
    /// # Errors
    /// [`DecodeError::Busy`] when every slot and queue place is taken (nothing was done);
    /// [`DecodeError::WrongFormat`] or [`DecodeError::Image`] for bytes that are not a
    /// decodable image of the declared format; [`DecodeError::Stopped`] if the decode task
    /// did not answer.
    pub async fn decode(
        self: &Arc<Self>,
        format: FrameFormat,
        frame: Vec<u8>,
    ) -> Result<FrameRead, DecodeError> {
        if !format.signed(&frame) {
            return Err(DecodeError::WrongFormat {
                declared: format.media_type(),
            });
        }
        let queued = Instant::now();
        if self.admitted.fetch_add(1, Ordering::AcqRel) >= self.workers + self.queue {
            self.admitted.fetch_sub(1, Ordering::AcqRel);
            return Err(DecodeError::Busy);
        }
        let _admitted = Admitted(&self.admitted);
        let _slot = self
            .slots
            .acquire()
            .await
            .map_err(|_| DecodeError::Stopped)?;
        let waited = queued.elapsed();
        let me = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            let start = Instant::now();
            let image = GrayImage::decode(&frame);
            drop(frame);
            let image = image?;
            let reader = me
                .readers
                .lock()
                .ok()
                .and_then(|mut r| r.pop())
                .unwrap_or_else(|| Reader::new(me.opts));
            let decoded = reader.read(&image);
            if let Ok(mut r) = me.readers.lock() {
                r.push(reader);
            }
            Ok::<_, DecodeError>(FrameRead {
                decoded,
                work: start.elapsed(),
                waited,
                size: (image.width(), image.height()),
            })
        })
        .await
        .map_err(|_| DecodeError::Stopped)?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leak(d: FrameDecoder) -> Arc<FrameDecoder> {
        Arc::new(d)
    }

    #[tokio::test]
    async fn refuses_bytes_that_are_not_the_declared_format() {
        let d = leak(FrameDecoder::new(1, 0, CAMERA_BUDGET));
        let png = b"\x89PNG\r\n\x1a\n....".to_vec();
        assert_eq!(
            d.decode(FrameFormat::Jpeg, png).await.err(),
            Some(DecodeError::WrongFormat {
                declared: "image/jpeg"
            })
        );
        assert!(matches!(
            d.decode(FrameFormat::Png, b"\x89PNG\r\n\x1a\nnot really".to_vec())
                .await,
            Err(DecodeError::Image(_))
        ));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_full_decoder_refuses_at_once_and_recovers() {
        let d = leak(FrameDecoder::new(1, 0, CAMERA_BUDGET));
        // Hold the only slot, as a frame being decoded would.
        let held = d.slots.acquire().await.unwrap();
        d.admitted.fetch_add(1, Ordering::AcqRel);
        let png = bedside_barcode::datamatrix::encode(
            &bedside_gs1::parse_bracketed("(414)5012345000015").unwrap(),
            &Default::default(),
        )
        .unwrap()
        .to_png(&bedside_barcode::RenderOptions {
            module_px: 4,
            quiet_zone: None,
        })
        .unwrap();
        assert_eq!(
            d.decode(FrameFormat::Png, png.clone()).await.err(),
            Some(DecodeError::Busy)
        );
        drop(held);
        d.admitted.fetch_sub(1, Ordering::AcqRel);
        let read = d.decode(FrameFormat::Png, png).await.unwrap();
        assert_eq!(read.decoded.gs1_symbols().count(), 1);
        assert_eq!(d.admitted.load(Ordering::Acquire), 0);
    }
}
