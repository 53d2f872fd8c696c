#!/usr/bin/env python3
"""A loopback IHE PIX Manager (ITI-9) test peer for bedside-pix.

Independent HL7 stack: every query is parsed and validated with hl7apy against the ITI-9
message profile (see iti9_profile.py); a query that fails validation is answered AR.
MLLP framing is done here with the standard library (socketserver), with persistent
connections. Prints "PORT <n>" first, then one JSON line per received message:
{"conn": n, "msh10": .., "qpd2": .., "mrn": .., "valid": true|false, "error": ..}.

Scenarios, chosen by the MRN in QPD-3.1 (domain TRUST_MRN 2.999.826.0.1.1):
  K1234567  case 1, NHS 9990001235          K0000002  case 2, NF
  K0000005  two NHS numbers (ambiguous)      K0000006  NHS number with a bad check digit
  K0000007  echoes the MRN and an extra domain in PID-3, plus NHS 9990001235
  other     case 3 (unknown identifier)      unknown source OID: case 4
  unknown QPD-4 domain: case 5               REJECT    AR
  SLOW      answer after 0.3 s               LATE      answer after 1.5 s
  DROP      close without answering          DROPONCE  close the first time, then answer
  GARBAGE   a framed non-HL7 payload         WRONGID   MSA-2/QAK-1 of another query
  HUGE      a 2 MiB frame
"""
import json
import socketserver
import sys
import threading
import time

try:
    import hl7  # python-hl7, used to self-check the responses we send
    from iti9_profile import validate_query
except ImportError as e:  # pragma: no cover
    sys.stderr.write("pix_manager.py: missing Python package (%s); pip install -r .ci/requirements.txt\n" % e)
    sys.exit(3)

SB, EB, CR = b"\x0b", b"\x1c", b"\x0d"
MRN_OID = "2.999.826.0.1.1"
NHS_OID = "2.16.840.1.113883.2.1.4.1"
NHS = "NHS&%s&ISO" % NHS_OID
KNOWN_TARGETS = {NHS_OID, MRN_OID}
DB = {
    "K1234567": ["9990001235"],
    "K0000002": [],
    "K0000005": ["9990001235", "9990000018"],
    "K0000006": ["9990001236"],
    "K0000007": ["9990001235"],
    "SLOW": ["9990001235"],
    "LATE": ["9990001235"],
    "DROPONCE": ["9990001235"],
    "WRONGID": ["9990001235"],
}
LOCK = threading.Lock()
COUNTS = {"conn": 0, "droponce": 0}


def log(obj):
    with LOCK:
        sys.stdout.write(json.dumps(obj) + "\n")
        sys.stdout.flush()


def split_fields(text):
    segs = {}
    for line in text.replace("\r\n", "\r").split("\r"):
        if line:
            segs.setdefault(line[:3], line.split("|"))
    return segs


def rsp(msh10, qpd_line, qpd2, msa, qak, err=None, pid3=None):
    out = [
        "MSH|^~\\&|PIX_MGR|REGIONAL_HIE|BEDSIDE_PPID|RXX_WARD7|%s+0000||RSP^K23^RSP_K23|HIE-%d|P|2.5"
        % (time.strftime("%Y%m%d%H%M%S", time.gmtime()), int(time.time() * 1000) % 10**9),
        "MSA|%s|%s" % (msa, msh10),
    ]
    if err:
        out.append(err)
    out.append("QAK|%s|%s" % (qpd2, qak))
    out.append(qpd_line)
    if pid3:
        out.append("PID|||%s||~^^^^^^S" % pid3)
    text = "\r".join(out) + "\r"
    hl7.parse(text)  # self-check with an independent parser
    return text


def answer(text, conn_no):
    """Returns (response text or None, action) for one query."""
    segs = split_fields(text)
    msh, qpd = segs.get("MSH", []), segs.get("QPD", [])
    msh10 = msh[9] if len(msh) > 9 else ""
    qpd2 = qpd[2] if len(qpd) > 2 else ""
    qpd3 = qpd[3] if len(qpd) > 3 else ""
    mrn = qpd3.split("^")[0]
    error = validate_query(text)
    log({"conn": conn_no, "msh10": msh10, "qpd2": qpd2, "mrn": mrn, "valid": error is None, "error": error})
    qpd_line = "\r".join(l for l in text.replace("\r\n", "\r").split("\r") if l.startswith("QPD|"))
    if error is not None or mrn == "REJECT":
        why = (error or "rejected on request").replace("|", " ").replace("^", " ").replace("&", " ").replace("~", " ").replace("\\", " ")
        err = "ERR||MSH^1^9|200^Unsupported message type^HL70357|E||||%s" % why
        return rsp(msh10, qpd_line, qpd2, "AR", "AR", err=err), None
    comps = qpd3.split("^")
    cx4 = comps[3].split("&") if len(comps) > 3 else []
    src_oid = cx4[1] if len(cx4) > 1 else ""
    if src_oid != MRN_OID:
        err = "ERR||QPD^1^3^1^4|204^Unknown key identifier^HL70357|E"
        return rsp(msh10, qpd_line, qpd2, "AE", "AE", err=err), None
    targets = qpd[4].split("~") if len(qpd) > 4 and qpd[4] else []
    for n, t in enumerate(targets, start=1):
        hd = t.split("^")[3].split("&") if len(t.split("^")) > 3 else []
        if len(hd) < 2 or hd[1] not in KNOWN_TARGETS:
            err = "ERR||QPD^1^4^%d|204^Unknown key identifier^HL70357|E" % n
            return rsp(msh10, qpd_line, qpd2, "AE", "AE", err=err), None
    if mrn == "DROP":
        return None, "drop"
    if mrn == "GARBAGE":
        return None, "garbage"
    if mrn == "HUGE":
        return None, "huge"
    if mrn == "DROPONCE":
        with LOCK:
            COUNTS["droponce"] += 1
            first = COUNTS["droponce"] % 2 == 1
        if first:
            return None, "drop"
    if mrn not in DB:
        err = "ERR||QPD^1^3^1^1|204^Unknown key identifier^HL70357|E"
        return rsp(msh10, qpd_line, qpd2, "AE", "AE", err=err), None
    nhs = DB[mrn]
    if not nhs:
        return rsp(msh10, qpd_line, qpd2, "AA", "NF"), None
    reps = ["%s^^^%s^NH" % (n, NHS) for n in nhs]
    if mrn == "K0000007":
        reps = [qpd3, "X9^^^OTHER&2.999.7&ISO^PI"] + reps
    if mrn == "WRONGID":
        return rsp("NOT-YOURS", qpd_line, "NOT-YOURS", "AA", "OK", pid3="~".join(reps)), None
    delay = {"SLOW": 0.3, "LATE": 1.5}.get(mrn, 0)
    return rsp(msh10, qpd_line, qpd2, "AA", "OK", pid3="~".join(reps)), delay


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        with LOCK:
            COUNTS["conn"] += 1
            conn_no = COUNTS["conn"]
        buf = b""
        sock = self.request
        while True:
            try:
                data = sock.recv(65536)
            except OSError:
                return
            if not data:
                return
            buf += data
            while True:
                start = buf.find(SB)
                end = buf.find(EB + CR, start + 1)
                if start < 0 or end < 0:
                    break
                payload, buf = buf[start + 1:end], buf[end + 2:]
                text = payload.decode("utf-8", errors="replace")
                if not text.startswith("MSH"):
                    log({"conn": conn_no, "garbage_in": True})
                    sock.sendall(SB + b"MSH|^~\\&|PIX_MGR|HIE|||20250101000000||ACK|X|P|2.5\rMSA|AR|\r" + EB + CR)
                    continue
                response, action = answer(text, conn_no)
                if action == "drop":
                    sock.close()
                    return
                if action == "garbage":
                    sock.sendall(SB + b"THIS IS NOT HL7" + EB + CR)
                    continue
                if action == "huge":
                    sock.sendall(SB + b"MSH|^~\\&|" + b"X" * (2 * 1024 * 1024) + EB + CR)
                    continue
                if action:
                    time.sleep(action)
                try:
                    sock.sendall(SB + response.encode("utf-8") + EB + CR)
                except OSError:
                    return


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    srv = Server(("127.0.0.1", 0), Handler)
    sys.stdout.write("PORT %d\n" % srv.server_address[1])
    sys.stdout.flush()
    threading.Thread(target=lambda: (sys.stdin.read(), srv.shutdown()), daemon=True).start()
    srv.serve_forever()


if __name__ == "__main__":
    main()
