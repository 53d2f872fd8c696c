//! Fuzzes the incremental MLLP frame decoder of `bedside-pix`
//! (`mllp::Decoder`) and the frame encoder.
//!
//! Input: the first byte chooses the frame size cap (1..=256 bytes), the
//! second a chunk size; the rest is the byte stream.
//!
//! Asserts: no panic; the results do not depend on how the stream is cut into
//! reads (one push vs. pushes of the chosen chunk size, popping after each);
//! every error offset lies within the stream; every decoded frame fits the cap
//! and holds no start or end block; a decoded frame re-encodes and decodes to
//! itself.
#![no_main]

use bedside_pix::mllp::{Decoder, END_BLOCK, FrameError, START_BLOCK, encode};
use libfuzzer_sys::fuzz_target;

type Item = Result<Vec<u8>, FrameError>;

fn decode(stream: &[u8], chunk: usize, cap: usize) -> (Vec<Item>, Option<FrameError>) {
    let mut d = Decoder::new(cap);
    let mut out = Vec::new();
    for piece in stream.chunks(chunk.max(1)) {
        d.push(piece);
        while let Some(item) = d.pop() {
            out.push(item);
        }
    }
    let end = d.finish();
    (out, end)
}

fn offset(e: &FrameError) -> Option<u64> {
    match e {
        FrameError::DataOutsideFrame { offset }
        | FrameError::FrameTooLarge { offset, .. }
        | FrameError::NestedStartBlock { offset }
        | FrameError::BadEndBlock { offset }
        | FrameError::Truncated { offset } => Some(*offset),
        _ => None,
    }
}

fuzz_target!(|data: &[u8]| {
    let [cap, chunk, stream @ ..] = data else { return };
    let cap = usize::from(*cap) + 1;
    let chunk = usize::from(*chunk) % 17 + 1;
    let whole = decode(stream, stream.len(), cap);
    let pieces = decode(stream, chunk, cap);
    assert_eq!(whole, pieces, "decoding depends on read boundaries (chunk {chunk}, cap {cap})");
    let (items, end) = whole;
    for e in items.iter().filter_map(|i| i.as_ref().err()).chain(end.as_ref()) {
        let _ = e.to_string();
        if let Some(o) = offset(e) {
            assert!(o <= stream.len() as u64, "error {e:?} beyond a {}-byte stream", stream.len());
        }
    }
    for frame in items.iter().filter_map(|i| i.as_ref().ok()) {
        assert!(frame.len() <= cap, "a {}-byte frame passed a {cap}-byte cap", frame.len());
        assert!(
            !frame.iter().any(|b| *b == START_BLOCK || *b == END_BLOCK),
            "a decoded frame holds a framing byte: {frame:?}"
        );
        let wire = encode(frame).unwrap_or_else(|e| panic!("decoded frame does not re-encode: {e}"));
        let (again, end) = decode(&wire, wire.len(), cap);
        assert_eq!((again, end), (vec![Ok(frame.clone())], None), "frame does not survive encode/decode");
    }
    if let Ok(wire) = encode(stream) {
        let (again, end) = decode(&wire, chunk, stream.len().max(1));
        assert_eq!((again, end), (vec![Ok(stream.to_vec())], None), "payload does not survive encode/decode");
    }
});
