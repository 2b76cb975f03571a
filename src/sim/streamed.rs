//! A JSON answer written to the connection as it is serialised, in pieces, the way ASP.NET
//! Core's System.Text.Json formatter sends a large list: the first bytes leave long before the
//! last app is serialised, so a client that parses as the body arrives works while the server
//! still writes.

use std::io::{self, Write};

use axum::body::{Body, Bytes};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use tokio::sync::mpsc;

/// How much is serialised before it is sent: ASP.NET flushes at 16 KiB; larger pieces cost
/// fewer wake-ups and still let the client start within the first hundredth of a large list.
const PIECE: usize = 64 * 1024;
/// Pieces written but not yet sent. A client that stops reading stops the serialiser here,
/// instead of the whole list piling up in memory.
const PIECES_AHEAD: usize = 4;

/// A 200 whose body `write` serialises on a blocking thread while the body is sent.
pub fn json<F>(write: F) -> Response
where
    F: FnOnce(&mut dyn Write) -> serde_json::Result<()> + Send + 'static,
{
    let (tx, rx) = mpsc::channel::<io::Result<Bytes>>(PIECES_AHEAD);
    tokio::task::spawn_blocking(move || {
        let mut out = Pieces {
            tx,
            buf: Vec::with_capacity(PIECE),
        };
        let written = write(&mut out).map_err(io::Error::other);
        match written.and_then(|()| out.send()) {
            Ok(()) => {}
            // A failure midway must end the body as broken, never as a shorter valid list.
            Err(e) => {
                let _ = out.tx.blocking_send(Err(e));
            }
        }
    });
    let body = futures::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|piece| (piece, rx))
    });
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        Body::from_stream(body),
    )
        .into_response()
}

/// Gathers serialised bytes into pieces and hands each to the response as it fills.
struct Pieces {
    tx: mpsc::Sender<io::Result<Bytes>>,
    buf: Vec<u8>,
}

impl Pieces {
    fn send(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let piece = std::mem::replace(&mut self.buf, Vec::with_capacity(PIECE));
        self.tx
            .blocking_send(Ok(Bytes::from(piece)))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the client went away"))
    }
}

impl Write for Pieces {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(bytes);
        if self.buf.len() >= PIECE {
            self.send()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
