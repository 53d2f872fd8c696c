#!/usr/bin/env python3
"""A loopback IHE PIXm Manager (ITI-83 `$ihe-pix`) test peer for bedside-pix.

stdlib http.server; every request is checked (GET, path, one sourceIdentifier token
`system|value`, Accept, bearer token) and expressed as the ITI-83 request Parameters,
which is validated with fhir.resources (R4B); every response body is built as a
fhir.resources model and validated before it is sent. Prints "PORT <n>", then one JSON
line per request: {"path", "sourceIdentifier", "targetSystem", "auth", "valid", "error"}.

Scenarios by identifier value (source system urn:oid:2.999.826.0.1.1):
  K1234567 200 NHS 9990001235 + targetId     K0000002 200 without targetIdentifier
  K0000005 200 with two NHS numbers          other    404 not-found
  unknown source system 400                  unknown targetSystem 403
  MALFORMED 200 with broken JSON             ERROR500 503
  SLOWHTTP answers after 1.5 s               HTML404  404 with an HTML body
  missing or wrong bearer token: 401
"""
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

try:
    from fhir.resources.R4B.operationoutcome import OperationOutcome
    from fhir.resources.R4B.parameters import Parameters
except ImportError as e:  # pragma: no cover
    sys.stderr.write("pixm_server.py: missing Python package (%s); pip install -r .ci/requirements.txt\n" % e)
    sys.exit(3)

TOKEN = "test-token"
MRN_SYSTEM = "urn:oid:2.999.826.0.1.1"
NHS_SYSTEMS = {"https://fhir.nhs.uk/Id/nhs-number", "urn:oid:2.16.840.1.113883.2.1.4.1"}
KNOWN_TARGETS = NHS_SYSTEMS | {MRN_SYSTEM}
DB = {"K1234567": ["9990001235"], "K0000002": [], "K0000005": ["9990001235", "9990000018"]}
LOCK = threading.Lock()


def log(obj):
    with LOCK:
        sys.stdout.write(json.dumps(obj) + "\n")
        sys.stdout.flush()


def outcome(code, text):
    oo = OperationOutcome(issue=[{"severity": "error", "code": code, "diagnostics": text}])
    return oo.json().encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # keep stdout for the JSON log
        pass

    def send(self, status, body, ctype="application/fhir+json"):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        url = urlsplit(self.path)
        q = parse_qs(url.query, keep_blank_values=True)
        src = q.get("sourceIdentifier", [])
        targets = q.get("targetSystem", [])
        auth = self.headers.get("Authorization")
        error = None
        if url.path != "/fhir/Patient/$ihe-pix":
            error = "wrong path %s" % url.path
        elif len(src) != 1 or "|" not in src[0]:
            error = "sourceIdentifier must be one system|value token"
        elif "application/fhir+json" not in (self.headers.get("Accept") or ""):
            error = "Accept must be application/fhir+json"
        else:
            system, value = src[0].split("|", 1)
            params = [{"name": "sourceIdentifier", "valueIdentifier": {"system": system, "value": value}}]
            params += [{"name": "targetSystem", "valueUri": t} for t in targets]
            try:
                Parameters(parameter=params)  # the ITI-83 request, as a FHIR resource
            except Exception as e:
                error = "request Parameters invalid: %s" % e
        log({"path": url.path, "sourceIdentifier": src, "targetSystem": targets, "auth": auth,
             "valid": error is None, "error": error})
        if error:
            return self.send(400, outcome("invalid", error))
        if auth != "Bearer " + TOKEN:
            return self.send(401, outcome("security", "missing or wrong bearer token"))
        system, value = src[0].split("|", 1)
        if value == "MALFORMED":
            return self.send(200, b'{"resourceType": "Parameters", "parameter": [')
        if value == "ERROR500":
            return self.send(503, b"busy", "text/plain")
        if value == "HTML404":
            return self.send(404, b"<html>not here</html>", "text/html")
        if value == "SLOWHTTP":
            time.sleep(1.5)
        if system != MRN_SYSTEM:
            return self.send(400, outcome("code-invalid", "sourceIdentifier Assigning Authority not found"))
        for t in targets:
            if t not in KNOWN_TARGETS:
                return self.send(403, outcome("code-invalid", "targetSystem not found"))
        if value not in DB and value != "SLOWHTTP":
            return self.send(404, outcome("not-found", "sourceIdentifier Patient Identifier not found"))
        nhs = DB.get(value, ["9990001235"])
        params = [{"name": "targetIdentifier",
                   "valueIdentifier": {"use": "official", "system": "https://fhir.nhs.uk/Id/nhs-number", "value": n}}
                  for n in nhs]
        if nhs:
            params.append({"name": "targetId", "valueReference": {"reference": "Patient/pat-7f3a21"}})
        body = Parameters(parameter=params) if params else Parameters()
        self.send(200, body.json().encode())


def main():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    sys.stdout.write("PORT %d\n" % srv.server_address[1])
    sys.stdout.flush()
    threading.Thread(target=lambda: (sys.stdin.read(), srv.shutdown()), daemon=True).start()
    srv.serve_forever()


if __name__ == "__main__":
    main()
