"""Secret ballots, secret at rest.

What a secret vote must hide is the link between a seat and a choice, also from whoever can
read the database. The design, and why:

- The ballot row (`ballots`) records only that a municipality voted (choice NULL): turnout is
  public, and one ballot per seat is enforced there.
- The choice and the seat's weight go into a separate row of `sealed_ballots`, encrypted with
  AES-GCM under a key derived from the application's SECRET_KEY and the motion's id (the key
  is never stored in the database). The plaintext has a fixed length (choice and weight
  padded), so neither the choice nor the weight (a population weight would name the
  municipality) shows in the ciphertext's length. The row has a random id, no timestamp and no
  reference to the ballot or the municipality. While the motion is open, a reader of the
  database sees only how many sealed rows there are, which the turnout says anyway: there is
  no running tally to read, neither on a page nor in a table.
- When the motion closes, the closing transaction opens the sealed rows, counts them, stores
  the result (`motion_results`, written by the closing transaction) and deletes the sealed
  rows. After that no stored row carries a choice of a single ballot: nothing has the `xmin`
  (writing transaction) of a ballot and a choice together, and no row order or timestamp is
  left that could be matched against the order of the ballots. There was a per-choice running
  tally before (`secret_tallies`): each of its rows carried the `xmin` of the last ballot that
  chose it; it is gone.
- On SQLite deleted rows are overwritten (`PRAGMA secure_delete`); on PostgreSQL the deleted
  rows stay in the table's pages as dead tuples until VACUUM reuses the space, but they are
  ciphertext.

What it cannot guarantee: a database administrator who watches while the vote is open (or
keeps the write-ahead log) and also holds the SECRET_KEY can open each sealed row and match
its transaction to the ballot row of the same transaction. Whoever runs the application with
its key can do the same. Secrecy holds against a reader of the database, of its dumps and of
its backups taken after the close, not against the operator of a running installation.
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

CHOICE_WIDTH = 7  # "abstain"
WEIGHT_WIDTH = 20  # a BIGINT has at most 19 digits
NONCE_BYTES = 12


class SealBroken(Exception):
    """A sealed ballot cannot be opened with this key (another SECRET_KEY, or altered)."""


def _key(secret: str, motion_id: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=f"consortium sealed ballots of motion {motion_id}".encode()).derive(
        secret.encode())


def seal(secret: str, motion_id: int, choice: str, weight: int,
         width: int = CHOICE_WIDTH) -> bytes:
    """The choice and weight of one secret ballot as a fixed-length ciphertext. `width` is
    the same for every ballot of a poll: the choice of a yes/no vote, or the bitmap of the
    options a ballot marks (one character per proposal or candidate)."""
    if len(choice) > width or weight < 0 or len(str(weight)) > WEIGHT_WIDTH:
        raise ValueError("choice or weight out of range")
    plain = f"{choice:<{width}}{weight:0{WEIGHT_WIDTH}d}".encode()
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(_key(secret, motion_id)).encrypt(nonce, plain, str(motion_id).encode())


def unseal(secret: str, motion_id: int, sealed: bytes,
           width: int = CHOICE_WIDTH) -> tuple[str, int]:
    """(choice, weight) of a sealed ballot of this motion."""
    nonce, body = sealed[:NONCE_BYTES], sealed[NONCE_BYTES:]
    try:
        plain = AESGCM(_key(secret, motion_id)).decrypt(nonce, body, str(motion_id).encode())
    except InvalidTag:
        raise SealBroken(motion_id) from None
    text = plain.decode()
    return text[:width].rstrip(), int(text[width:])
