//! Reshaping a finished response's body for the body faults: trickling it in
//! delayed pieces ([`crate::Fault::SlowBody`]) or sending half of it and then
//! aborting the connection ([`crate::Fault::CutBody`]). Both keep the full
//! `Content-Length`.

use std::time::Duration;

use axum::body::{Body, BodyDataStream, HttpBody};
use axum::http::header::CONTENT_LENGTH;
use axum::http::HeaderValue;
use axum::response::Response;
use bytes::Bytes;
use futures_util::stream::{self, StreamExt};

/// Into how many pieces a slow body of known length is cut.
const SLOW_PIECES: u64 = 4;

/// Piece size of a slow body whose length is unknown.
const SLOW_PIECE_UNKNOWN: usize = 16 * 1024;

/// How long a cut body waits, after its first half, before it fails: long
/// enough for the server to flush the headers and that half to the client.
const CUT_PAUSE: Duration = Duration::from_millis(20);

/// The body's length, from its size hint or its `Content-Length` header, made
/// explicit in the header so that it survives turning the body into a stream.
fn pin_length(response: &mut Response) -> Option<u64> {
    let len = response.body().size_hint().exact().or_else(|| {
        response
            .headers()
            .get(CONTENT_LENGTH)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.parse().ok())
    });
    if let Some(len) = len {
        response
            .headers_mut()
            .insert(CONTENT_LENGTH, HeaderValue::from(len));
    }
    len
}

/// The same response, its body sent in pieces with `delay` before each piece
/// but the first.
pub(crate) fn slow(mut response: Response, delay: Duration) -> Response {
    let len = pin_length(&mut response);
    let piece = len.map_or(SLOW_PIECE_UNKNOWN, |len| {
        usize::try_from(len.div_ceil(SLOW_PIECES).max(1)).unwrap_or(usize::MAX)
    });
    let (parts, body) = response.into_parts();
    struct Trickle {
        inner: BodyDataStream,
        pending: Bytes,
        started: bool,
    }
    let start = Trickle {
        inner: body.into_data_stream(),
        pending: Bytes::new(),
        started: false,
    };
    let trickle = stream::unfold(start, move |mut state| async move {
        loop {
            if !state.pending.is_empty() {
                let take = piece.min(state.pending.len());
                let out = state.pending.split_to(take);
                if state.started {
                    tokio::time::sleep(delay).await;
                }
                state.started = true;
                return Some((Ok(out), state));
            }
            match state.inner.next().await? {
                Ok(chunk) => state.pending = chunk,
                Err(error) => return Some((Err(error), state)),
            }
        }
    });
    Response::from_parts(parts, Body::from_stream(trickle))
}

/// The same status and headers (with the full `Content-Length`), half the body,
/// then an error that makes the server abort the connection.
pub(crate) fn cut(mut response: Response) -> Response {
    let len = pin_length(&mut response);
    let (parts, body) = response.into_parts();
    // An unknown length sends its first chunk only.
    let mut budget = len.map(|len| len / 2);
    let mut inner = body.into_data_stream();
    let mut failed = false;
    let half = stream::poll_fn(move |cx| {
        use std::task::Poll;
        if failed {
            return Poll::Ready(None);
        }
        if budget == Some(0) {
            failed = true;
            return Poll::Ready(Some(Err(std::io::Error::other("body cut on purpose"))));
        }
        match inner.poll_next_unpin(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Some(Ok(mut chunk))) => {
                match budget {
                    Some(left) => {
                        let take = left.min(chunk.len() as u64);
                        chunk.truncate(take as usize);
                        budget = Some(left - take);
                    }
                    None => budget = Some(0),
                }
                Poll::Ready(Some(Ok(chunk)))
            }
            Poll::Ready(Some(Err(error))) => {
                failed = true;
                Poll::Ready(Some(Err(std::io::Error::other(error))))
            }
            Poll::Ready(None) => {
                failed = true;
                Poll::Ready(Some(Err(std::io::Error::other("body cut on purpose"))))
            }
        }
    });
    let paused = half.then(|item: Result<Bytes, std::io::Error>| async move {
        if item.is_err() {
            tokio::time::sleep(CUT_PAUSE).await;
        }
        item
    });
    Response::from_parts(parts, Body::from_stream(paused))
}
