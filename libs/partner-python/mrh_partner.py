#!/usr/bin/python3
"""A partner country's system in Python: the second worked example of docs/partner-guide.md.

Written from the published contract alone (docs/asyncapi.yaml and ../shared/design/contract.md),
with another Kafka client (confluent-kafka, i.e. librdkafka) and its own RFC 8785 canonical JSON
and detached JWS, so that nothing of the hub's TypeScript is reused. It reads the country's `to`
topic, verifies the hub's signature on every record, and answers the referral it is told to
follow: acknowledge, then accept, each once the hub's receipt for the one before arrived. Every
step is printed as one JSON line on stdout, for people and for the integration test.

Needs Debian's python3-confluent-kafka and python3-cryptography (`.ci/run` installs them).
"""

from __future__ import annotations

import argparse
import base64
import json
import math
import os
import signal
import sys
import time
import uuid
from datetime import datetime, timezone
from typing import Any, Callable

from confluent_kafka import Consumer, KafkaError, Producer
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

CLOUDEVENTS_CONTENT_TYPE = "application/cloudevents+json"
HUB_SOURCE = "/hub"
SUBMITTED = "mrh.referral.submitted.v1"
ACKNOWLEDGED = "mrh.referral.acknowledged.v1"
ACCEPTED = "mrh.referral.accepted.v1"
RECEIPT = "mrh.receipt.v1"
REJECTED = "mrh.event.rejected.v1"


# ---------------------------------------------------------------------------------------------
# RFC 8785 (JCS): the bytes both sides sign. Keys sorted by UTF-16 code units, no white space,
# strings escaped as ECMAScript's JSON.stringify does, numbers in ECMAScript's shortest form.
# ---------------------------------------------------------------------------------------------


def _jcs_string(text: str) -> str:
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch in "\b\f\n\r\t":
            out.append({"\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}[ch])
        elif code < 0x20:
            out.append(f"\\u{code:04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _jcs_number(value: float | int) -> str:
    """ECMAScript's Number::toString, which RFC 8785 prescribes, from Python's shortest repr."""
    if isinstance(value, int):
        return str(value)
    if not math.isfinite(value):
        raise ValueError("JSON has no NaN or Infinity")
    if value == 0:
        return "0"
    mantissa, _, exp = repr(abs(value)).partition("e")
    whole, _, fraction = mantissa.partition(".")
    all_digits = whole + fraction
    leading = len(all_digits) - len(all_digits.lstrip("0"))
    digits = all_digits.lstrip("0").rstrip("0")
    # value = 0.<digits> × 10^n
    n = len(whole) + (int(exp) if exp else 0) - leading
    k = len(digits)
    if k <= n <= 21:
        text = digits + "0" * (n - k)
    elif 0 < n <= 21:
        text = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        text = "0." + "0" * -n + digits
    else:
        e = n - 1
        text = digits[0] + ("." + digits[1:] if k > 1 else "") + ("e+" if e > 0 else "e-") + str(abs(e))
    return ("-" if value < 0 else "") + text


def jcs(value: Any) -> str:
    """The RFC 8785 canonical JSON text of a parsed JSON value."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (int, float)):
        return _jcs_number(value)
    if isinstance(value, str):
        return _jcs_string(value)
    if isinstance(value, list):
        return "[" + ",".join(jcs(item) for item in value) + "]"
    if isinstance(value, dict):
        keys = sorted(value, key=lambda k: k.encode("utf-16-be"))
        return "{" + ",".join(_jcs_string(k) + ":" + jcs(value[k]) for k in keys) + "}"
    raise TypeError(f"not a JSON value: {type(value).__name__}")


# ---------------------------------------------------------------------------------------------
# Detached JWS (RFC 7515 Appendix F), EdDSA: `header..signature` over header.payload, where the
# payload is the JCS of the event without its `jws` attribute.
# ---------------------------------------------------------------------------------------------


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def verify_event(event: dict[str, Any], keys: dict[str, Ed25519PublicKey]) -> str | None:
    """None when the hub's signature holds, else why not."""
    jws = event.get("jws")
    if not isinstance(jws, str) or jws.count(".") != 2 or ".." not in jws:
        return "no detached JWS"
    header_part, _, signature_part = jws.partition("..")
    try:
        header = json.loads(b64url_decode(header_part))
    except ValueError:
        return "the JWS header is not JSON"
    if header.get("alg") != "EdDSA" or "crit" in header:
        return "the JWS must be EdDSA without crit"
    key = keys.get(header.get("kid"))
    if key is None:
        return f"unknown kid {header.get('kid')!r}"
    unsigned = {k: v for k, v in event.items() if k != "jws"}
    signing_input = f"{header_part}.{b64url(jcs(unsigned).encode('utf-8'))}".encode("ascii")
    try:
        key.verify(b64url_decode(signature_part), signing_input)
    except InvalidSignature:
        return "the signature does not match the event"
    return None


def sign_event(event: dict[str, Any], key: Ed25519PrivateKey, kid: str) -> dict[str, Any]:
    unsigned = {k: v for k, v in event.items() if k != "jws"}
    header = b64url(json.dumps({"alg": "EdDSA", "kid": kid}, separators=(",", ":")).encode())
    payload = b64url(jcs(unsigned).encode("utf-8"))
    signature = key.sign(f"{header}.{payload}".encode("ascii"))
    return {**unsigned, "jws": f"{header}..{b64url(signature)}"}


def load_jwk(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as file:
        jwk = json.load(file)
    if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
        raise ValueError(f"{path} is not an Ed25519 JWK")
    return jwk


# ---------------------------------------------------------------------------------------------
# The partner system.
# ---------------------------------------------------------------------------------------------


def say(**fields: Any) -> None:
    print(json.dumps(fields, ensure_ascii=False), flush=True)


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Partner:
    def __init__(self, args: argparse.Namespace) -> None:
        self.country: str = args.country
        self.party: str = args.party
        self.referral: str = args.referral
        hub = load_jwk(args.hub_key)
        self.hub_keys = {hub["kid"]: Ed25519PublicKey.from_public_bytes(b64url_decode(hub["x"]))}
        own = load_jwk(args.key)
        self.key = Ed25519PrivateKey.from_private_bytes(b64url_decode(own["d"]))
        self.kid: str = own["kid"]
        login = kafka_login(args)
        username = os.environ.get("MRH_KAFKA_USERNAME") or args.principal
        self.consumer = Consumer(
            {
                **login,
                # Consumer groups of a partner system must begin with its principal and a dash.
                "group.id": f"{username or 'partner-' + self.country}-python-{uuid.uuid4().hex[:8]}",
                "auto.offset.reset": "earliest",
                "enable.auto.commit": False,
            }
        )
        self.producer = Producer({**login, "enable.idempotence": True, "acks": "all"})
        # What we sent and wait for an answer to: event id → the step that follows its receipt.
        self.awaiting: dict[str, Callable[[dict[str, Any]], None]] = {}
        self.done = False

    def run(self, timeout_s: float) -> int:
        self.consumer.subscribe(
            [f"referral-hub.to.{self.country}"], on_assign=lambda *_: say(ready=True)
        )
        deadline = time.monotonic() + timeout_s
        try:
            while not self.done and time.monotonic() < deadline:
                record = self.consumer.poll(0.5)
                if record is None:
                    continue
                if record.error():
                    if record.error().code() != KafkaError._PARTITION_EOF:
                        say(kafka_error=str(record.error()))
                    continue
                self.handle(record.value(), record.offset())
                self.consumer.commit(record, asynchronous=False)
        finally:
            self.producer.flush(10)
            self.consumer.close()
        if not self.done:
            say(timeout=timeout_s)
        return 0 if self.done else 1

    def handle(self, value: bytes, offset: int) -> None:
        try:
            event = json.loads(value)
        except ValueError:
            say(refused=offset, reason="not JSON")
            return
        problem = verify_event(event, self.hub_keys)
        if problem is not None:
            # Never act on what the hub did not sign: anyone who can write the topic could forge it.
            say(refused=event.get("id"), type=event.get("type"), reason=problem)
            return
        say(verified=event["id"], type=event["type"], referralseq=event.get("referralseq"))
        data = event.get("data") or {}
        if event["type"] == SUBMITTED and data.get("referralId") == self.referral:
            self.act(ACKNOWLEDGED, {"referralId": self.referral}, event["referralseq"], self.accept)
        elif event["type"] in (RECEIPT, REJECTED) and event.get("causationid") in self.awaiting:
            step = self.awaiting.pop(event["causationid"])
            say(answer=event["type"], to=event["causationid"], data=data)
            if event["type"] == RECEIPT and data.get("status") == "APPLIED":
                step(event)
            else:
                self.done = True

    def accept(self, receipt: dict[str, Any]) -> None:
        note = "Accepted by the Python partner."
        data = {"referralId": self.referral, "note": note}
        self.act(ACCEPTED, data, receipt["referralseq"], self.finish)

    def finish(self, receipt: dict[str, Any]) -> None:
        say(accepted=self.referral, referralseq=receipt["referralseq"])
        self.done = True

    def act(
        self,
        type_: str,
        data: dict[str, Any],
        seen: int,
        then: Callable[[dict[str, Any]], None],
    ) -> None:
        event = sign_event(
            {
                "specversion": "1.0",
                "id": str(uuid.uuid4()),
                "source": f"/parties/{self.party}",
                "type": type_,
                "subject": self.referral,
                "time": now(),
                "datacontenttype": "application/json",
                # The last change of this referral we saw: the hub refuses a stale one.
                "referralseq": seen,
                "data": data,
            },
            self.key,
            self.kid,
        )
        headers = [
            ("content-type", CLOUDEVENTS_CONTENT_TYPE),
            ("ce_id", event["id"]),
            ("ce_type", event["type"]),
            ("ce_source", event["source"]),
        ]
        self.awaiting[event["id"]] = then
        self.producer.produce(
            f"referral-hub.from.{self.country}",
            key=self.referral.encode(),
            value=json.dumps(event, ensure_ascii=False).encode("utf-8"),
            headers=headers,
        )
        self.producer.flush(10)
        say(sent=event["id"], type=type_, referralseq=seen)


def kafka_login(args: argparse.Namespace) -> dict[str, str]:
    """librdkafka's connection settings: SCRAM when MRH_KAFKA_USERNAME is set, TLS with --ca-file.

    SASL_PLAINTEXT, SASL_SSL (SCRAM over TLS) or SSL (a client certificate instead of a password;
    the broker takes the certificate's CN as our principal). Over TLS the broker's certificate is
    always verified, its host name included (librdkafka's default since 2.0; set here anyway).
    """
    login: dict[str, str] = {"bootstrap.servers": args.brokers}
    username = os.environ.get("MRH_KAFKA_USERNAME")
    tls = args.ca_file is not None or args.cert_file is not None
    if username:
        login.update(
            {
                "security.protocol": "SASL_SSL" if tls else "SASL_PLAINTEXT",
                "sasl.mechanisms": "SCRAM-SHA-512",
                "sasl.username": username,
                "sasl.password": os.environ.get("MRH_KAFKA_PASSWORD", ""),
            }
        )
    elif tls:
        login["security.protocol"] = "SSL"
    if tls:
        login["ssl.endpoint.identification.algorithm"] = "https"
        login["enable.ssl.certificate.verification"] = "true"
        if args.ca_file is not None:
            login["ssl.ca.location"] = args.ca_file
        if args.cert_file is not None:
            login["ssl.certificate.location"] = args.cert_file
            login["ssl.key.location"] = args.key_file
    return login


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--country", required=True, help="ISO 3166 code, e.g. VN")
    parser.add_argument("--party", required=True, help="the party we act as, e.g. VN-MPS")
    parser.add_argument("--referral", required=True, help="the referral id to acknowledge and accept")
    parser.add_argument("--brokers", default="127.0.0.1:9092")
    parser.add_argument("--hub-key", required=True, help="the hub's public JWK (Ed25519)")
    parser.add_argument("--key", required=True, help="our private JWK (Ed25519, with kid)")
    parser.add_argument("--timeout", type=float, default=120.0, help="give up after seconds")
    parser.add_argument("--ca-file", help="PEM of the CA of the broker's certificate: connect over TLS")
    parser.add_argument("--cert-file", help="our client certificate (PEM): SSL with it, no password")
    parser.add_argument("--key-file", help="its private key (PEM)")
    parser.add_argument(
        "--principal", help="our Kafka principal's name, for consumer groups (default: the login's)"
    )
    args = parser.parse_args()
    if (args.cert_file is None) != (args.key_file is None):
        parser.error("--cert-file and --key-file go together")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    return Partner(args).run(args.timeout)


if __name__ == "__main__":
    sys.exit(main())
