//! The wire: `Content-Length` framed JSON-RPC over a reader and a writer.
//!
//! `lsp-server`'s own stdio transport stops reading at the first malformed
//! message, which ends the server. This one answers what it cannot read
//! with the protocol's error (`-32700` parse error, `-32600` invalid
//! request, `id: null` when the id cannot be read) and reads on.

use std::io::{self, BufRead, Read, Write};
use std::sync::mpsc::Sender;

use lsp_server::Message;
use serde_json::{Value, json};

/// What the reader hands the server.
#[derive(Debug)]
pub enum Incoming {
    Message(Message),
    /// A message that could not be read as JSON-RPC: the error response to
    /// send (it has no request to belong to).
    Malformed(Value),
}

/// What the server hands the writer.
#[derive(Debug)]
pub enum Outgoing {
    Message(Message),
    /// An error response the `Message` type cannot express (`id: null`).
    Raw(Value),
}

/// JSON-RPC's error codes for messages that cannot be read.
const PARSE_ERROR: i32 = -32700;
const INVALID_REQUEST: i32 = -32600;

/// Largest message body read (a 10 MB buffer is sent whole; anything past
/// this is refused and skipped).
const MAX_BODY: usize = 256 << 20;

fn error(id: Value, code: i32, message: String) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}})
}

/// Reads messages from `input` until it ends (or `exit` arrives), sending
/// each through `send`. Returns when the input ends or the server is gone.
pub fn read_loop<E>(mut input: impl BufRead, send: Sender<E>, wrap: impl Fn(Incoming) -> E) {
    loop {
        let body = match read_body(&mut input) {
            Ok(Some(Ok(body))) => body,
            Ok(Some(Err(problem))) => {
                if send
                    .send(wrap(Incoming::Malformed(error(
                        Value::Null,
                        PARSE_ERROR,
                        problem,
                    ))))
                    .is_err()
                {
                    return;
                }
                continue;
            }
            Ok(None) | Err(_) => return,
        };
        let incoming = match serde_json::from_slice::<Value>(&body) {
            Err(e) => Incoming::Malformed(error(
                Value::Null,
                PARSE_ERROR,
                format!("the message is not JSON: {e}"),
            )),
            Ok(value) => {
                let id = value.get("id").cloned().unwrap_or(Value::Null);
                // `Message` would read `{"id": 1}` as a response with no
                // result: a response must have `result` or `error`.
                let shaped = value.get("method").is_some()
                    || value.get("result").is_some()
                    || value.get("error").is_some();
                match serde_json::from_value::<Message>(value)
                    .map_err(|e| e.to_string())
                    .and_then(|m| {
                        if shaped {
                            Ok(m)
                        } else {
                            Err("no `method`, `result` or `error`".into())
                        }
                    }) {
                    Ok(m) => Incoming::Message(m),
                    Err(e) => Incoming::Malformed(error(
                        id,
                        INVALID_REQUEST,
                        format!("not a JSON-RPC request, response or notification: {e}"),
                    )),
                }
            }
        };
        let exit =
            matches!(&incoming, Incoming::Message(Message::Notification(n)) if n.method == "exit");
        if send.send(wrap(incoming)).is_err() || exit {
            return;
        }
    }
}

/// One message body. `Ok(None)`: the input ended. `Ok(Some(Err))`: a
/// header block that could not be used (skipped; reading goes on after it).
fn read_body(input: &mut impl BufRead) -> io::Result<Option<Result<Vec<u8>, String>>> {
    let mut length: Option<Result<usize, String>> = None;
    let mut line = Vec::new();
    let mut saw_header = false;
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line)? == 0 {
            return Ok(None);
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if saw_header {
                break;
            }
            continue; // stray blank lines between messages
        }
        saw_header = true;
        if let Some((name, value)) = text.split_once(':')
            && name.trim().eq_ignore_ascii_case("content-length")
        {
            length = Some(
                value
                    .trim()
                    .parse::<usize>()
                    .map_err(|_| format!("Content-Length is not a number: `{}`", value.trim())),
            );
        }
    }
    let length = match length {
        Some(Ok(n)) if n <= MAX_BODY => n,
        Some(Ok(n)) => {
            io::copy(&mut Read::take(&mut *input, n as u64), &mut io::sink())?;
            return Ok(Some(Err(format!(
                "a message of {n} bytes is larger than the {MAX_BODY} bytes read"
            ))));
        }
        Some(Err(e)) => return Ok(Some(Err(e))),
        None => return Ok(Some(Err("a message without Content-Length".into()))),
    };
    let mut body = vec![0; length];
    input.read_exact(&mut body)?;
    Ok(Some(Ok(body)))
}

/// Writes each outgoing message to `output`, flushing after each.
pub fn write_loop(mut output: impl Write, receive: std::sync::mpsc::Receiver<Outgoing>) {
    for out in receive {
        let written = match out {
            Outgoing::Message(m) => m.write(&mut output),
            Outgoing::Raw(v) => {
                let text = v.to_string();
                write!(output, "Content-Length: {}\r\n\r\n{text}", text.len())
                    .and_then(|()| output.flush())
            }
        };
        if written.is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(input: &[u8]) -> Vec<String> {
        let (tx, rx) = std::sync::mpsc::channel();
        read_loop(input, tx, |i| i);
        rx.into_iter()
            .map(|i| match i {
                Incoming::Message(m) => format!("message {}", serde_json::to_string(&m).unwrap()),
                Incoming::Malformed(v) => format!("malformed {v}"),
            })
            .collect()
    }

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    #[test]
    fn reads_on_after_what_it_cannot_read() {
        let input = [
            frame("{not json"),
            frame(r#"{"id": 7, "foo": 1}"#),
            "Content-Length: x\r\n\r\n".to_string(),
            frame(r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#),
        ]
        .concat();
        let got = read_all(input.as_bytes());
        assert_eq!(got.len(), 4, "{got:#?}");
        assert!(
            got[0].starts_with("malformed") && got[0].contains("-32700"),
            "{}",
            got[0]
        );
        assert!(
            got[1].contains("-32600") && got[1].contains(r#""id":7"#),
            "{}",
            got[1]
        );
        assert!(
            got[2].contains("Content-Length is not a number"),
            "{}",
            got[2]
        );
        assert!(got[3].contains("initialized"), "{}", got[3]);
    }
}
