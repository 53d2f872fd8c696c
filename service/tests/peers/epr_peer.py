#!/usr/bin/env python3
"""An EPR for tests: an MLLP listener that receives HL7 v2.5 RAS^O17 messages.

Built with PyPI `hl7` (MLLP framing, reading, the ACK) and `hl7apy` (each message is
validated, strictly, against HL7 2.5's RAS_O17 structure).

Usage: epr_peer.py --control FILE --log FILE [--port N]

- Prints `epr peer listening on PORT` on stdout once listening (port 0 picks one).
- The control file holds one word, read again for every message and every 50 ms:
  `aa` (accept), `ae` (application error), `ar` (application reject), `none` (receive,
  store, never answer: the connection stays open until the sender gives up — an EPR that
  committed the message and then failed before its ACK), `down` (the listening socket is
  closed: connections are refused; it is opened again on the same port when the word
  changes). A message that does not validate is answered `AR` in every answering mode.
- The EPR de-duplicates by MSH-10 as a real one would: a message whose MSH-10 it already
  stored (answered AA, or stored under `none`) is answered AA again and not stored.
- A message that cannot be read at all (framing, encoding) is logged with `control_id`
  null and the connection closed without an answer.
- Each message received is one JSON line in the log: `seq` (order received), `control_id`
  (MSH-10), `mode`, `answer` (AA/AE/AR or null), `valid`, `errors`, `stored` (true when
  this delivery stored it), `duplicate` (true when its MSH-10 was already stored), and
  `message` (the ER7 text, segments separated by CR).
"""

import argparse
import asyncio
import json
import os
import sys

import hl7
import hl7.mllp
from hl7apy.consts import VALIDATION_LEVEL
from hl7apy.parser import parse_message


def validate(er7: str):
    """Strict HL7 2.5 RAS_O17 validation; returns (valid, error text)."""
    try:
        msg = parse_message(er7, validation_level=VALIDATION_LEVEL.STRICT, find_groups=True)
        if msg.name != "RAS_O17":
            return False, f"structure {msg.name}, not RAS_O17"
        msg.validate()
        return True, ""
    except Exception as e:  # every hl7apy failure is a validation failure here
        return False, f"{type(e).__name__}: {e}"


class Peer:
    def __init__(self, control, log, port):
        self.control = control
        self.log = open(log, "a", encoding="utf-8")
        self.port = port
        self.seq = 0
        self.stored = set()
        self.server = None

    def mode(self):
        try:
            with open(self.control, encoding="utf-8") as f:
                word = f.read().strip().lower()
        except OSError:
            word = "aa"
        return word if word in ("aa", "ae", "ar", "none", "down") else "aa"

    def record(self, entry):
        self.log.write(json.dumps(entry) + "\n")
        self.log.flush()
        os.fsync(self.log.fileno())

    def receive(self, message):
        """Validates, de-duplicates and records one message; returns its log entry."""
        er7 = str(message).replace("\n", "\r")
        if not er7.endswith("\r"):
            er7 += "\r"
        control_id = str(message.segment("MSH")[10])
        mode = self.mode()
        valid, errors = validate(er7)
        duplicate = control_id in self.stored
        answer = None
        stored = False
        if not valid:
            answer = None if mode == "none" else "AR"
        elif mode in ("aa", "none"):
            if not duplicate:
                self.stored.add(control_id)
                stored = True
            answer = "AA" if mode == "aa" else None
        elif mode in ("ae", "ar"):
            answer = "AA" if duplicate else mode.upper()
        self.seq += 1
        entry = {
            "seq": self.seq,
            "control_id": control_id,
            "mode": mode,
            "answer": answer,
            "valid": valid,
            "errors": errors,
            "stored": stored,
            "duplicate": duplicate,
            "message": er7,
        }
        self.record(entry)
        return entry

    async def connection(self, reader, writer):
        try:
            while True:
                try:
                    message = await reader.readmessage()
                    entry = self.receive(message)
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                except Exception as e:  # a message the EPR cannot read at all
                    self.seq += 1
                    self.record(
                        {
                            "seq": self.seq,
                            "control_id": None,
                            "answer": None,
                            "valid": False,
                            "errors": f"{type(e).__name__}: {e}",
                            "stored": False,
                            "duplicate": False,
                            "message": None,
                        }
                    )
                    return
                answer = entry["answer"]
                if answer is None:
                    # Never answer: wait for the sender to give up and close.
                    await reader.read()
                    return
                ack = message.create_ack(ack_code=answer, application="EPR", facility="EPR")
                writer.writemessage(ack)
                await writer.drain()
        finally:
            writer.close()

    async def start(self):
        self.server = await hl7.mllp.start_hl7_server(
            self.connection,
            host="127.0.0.1",
            port=self.port,
            reuse_address=True,
            # MSH-18 `UNICODE UTF-8`; ASCII (no MSH-18) is a subset.
            encoding="utf-8",
        )
        self.port = self.server.sockets[0].getsockname()[1]

    async def run(self):
        if self.mode() != "down":
            await self.start()
        print(f"epr peer listening on {self.port}", flush=True)
        while True:
            await asyncio.sleep(0.05)
            down = self.mode() == "down"
            if down and self.server is not None:
                self.server.close()
                await self.server.wait_closed()
                self.server = None
            elif not down and self.server is None:
                await self.start()


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--control", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--port", type=int, default=0)
    a = p.parse_args()
    if a.port == 0 and Peer(a.control, a.log, 0).mode() == "down":
        print("a peer that starts down needs --port", file=sys.stderr)
        return 2
    asyncio.run(Peer(a.control, a.log, a.port).run())
    return 0


if __name__ == "__main__":
    sys.exit(main())
