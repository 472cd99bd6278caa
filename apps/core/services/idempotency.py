"""Idempotency keys: a retried request with the same `Idempotency-Key` returns what the first one made.

Semantics (IETF draft "The Idempotency-Key HTTP Header Field", as Stripe implements it):

* The key fingerprints the *request*: sha256 of its method, path and canonical JSON body
  (`request_fingerprint`), never server state such as the cart. Keys are per user.
* A retry with the same key and the same request replays: the caller returns the resource the
  first request made (`created` False; the controllers answer 200) and does nothing again.
* The same key with another request (other body, other path) is a 422 `idempotency_key_mismatch`.
* Concurrent duplicates: the key row is inserted in the transaction that does the work, and the
  unique (user, key) index settles the race. On PostgreSQL the second INSERT waits for the first
  transaction, then fails once it commits, and the second request replays the first one's resource
  (or, if the row is still not visible, gets a 409 `idempotency_key_in_use`). Never two resources.
* A request that fails (raises) rolls its key row back with everything else: the key is free again.
* Old keys are deleted by `prune(older_than)` (a scheduled job); a pruned key is a new key.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.core.exceptions import ConflictError, IdempotencyKeyMismatchError
from apps.core.models.accounts import User
from apps.core.models.idempotency import IdempotencyKey

T = TypeVar("T")


def canonical_json(body: Any) -> str:
    """The canonical text of a parsed JSON body: sorted keys, no spaces, UTF-8 kept; no body is `{}`.

    A form-like body (anything with `.lists()`, e.g. Django's QueryDict) becomes a dict of lists.
    """
    if hasattr(body, "lists"):
        body = dict(body.lists())
    if body is None or body == "":
        body = {}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def request_fingerprint(method: str, path: str, body: Any) -> str:
    """sha256 hex of `METHOD path` and the canonical JSON of the parsed `body` (see canonical_json)."""
    return hashlib.sha256(f"{method.upper()} {path}\n{canonical_json(body)}".encode()).hexdigest()


@dataclass(frozen=True)
class IdempotentRequest:
    """A request that carried an `Idempotency-Key`: the key and what identifies the request.

    Build it with `IdempotentRequest.of(key, method, path, body)`; `fingerprint` is request_fingerprint's.
    """

    key: str
    method: str
    path: str
    fingerprint: str

    @classmethod
    def of(cls, key: str, method: str, path: str, body: Any) -> IdempotentRequest:
        """The request with `key`: method (e.g. "POST"), URL path, parsed JSON body (None for none)."""
        return cls(key=key, method=method.upper(), path=path, fingerprint=request_fingerprint(method, path, body))


class IdempotencyService:
    """Runs an action at most once per (user, Idempotency-Key) and replays its result afterwards."""

    def run(
        self,
        user: User,
        request: IdempotentRequest | None,
        *,
        resource_type: str,
        perform: Callable[[], T],
        load: Callable[[int], T],
    ) -> tuple[T, bool]:
        """Do `perform()` once for the user's key, or return what the first request with it made.

        Runs in the caller's transaction (or its own): the key row and what `perform` writes
        commit together or not at all.

        Args:
            user: whose key it is (keys are per user).
            request: the key and fingerprint; None (no header) simply performs.
            resource_type: what `perform` makes, e.g. "order"; stored with the key.
            perform: does the work; returns a model instance (anything with an integer `pk`).
            load: fetches the resource of an earlier request by its pk, for a replay.

        Returns:
            (resource, created): created is False for a replay.

        Raises:
            IdempotencyKeyMismatchError: the key was first used with another request (422).
            ConflictError: `idempotency_key_in_use`, a concurrent request holds the key (409).
            Whatever `perform` raises; the key is then not recorded.
        """
        if request is None:  # nothing to record: the caller's transaction alone (no savepoint round trips)
            return perform(), True
        with transaction.atomic():
            return self._run_once(user, request, resource_type, perform, load)

    def _run_once(
        self,
        user: User,
        request: IdempotentRequest,
        resource_type: str,
        perform: Callable[[], T],
        load: Callable[[int], T],
    ) -> tuple[T, bool]:
        earlier = self._replay(user, request, load)
        if earlier is not None:
            return earlier, False
        record = self._claim(user, request, resource_type)
        if record is None:  # a concurrent request with the same key committed first
            earlier = self._replay(user, request, load)
            if earlier is not None:
                return earlier, False
            raise ConflictError("A request with this Idempotency-Key is in progress.", code="idempotency_key_in_use")
        resource = perform()
        record.resource_id = resource.pk
        record.save(update_fields=["resource_id"])
        return resource, True

    def prune(self, older_than: timedelta) -> int:
        """Delete every key created more than `older_than` ago; returns how many were deleted.

        A retry with a pruned key is treated as a new request, so keep keys longer than clients
        retry (Stripe keeps them 24 hours).

        Raises:
            ValueError: `older_than` is negative.
        """
        if older_than < timedelta(0):
            raise ValueError("older_than must not be negative.")
        deleted, _ = IdempotencyKey.objects.filter(created_at__lt=timezone.now() - older_than).delete()
        return deleted

    @staticmethod
    def _replay(user: User, request: IdempotentRequest, load: Callable[[int], T]) -> T | None:
        record = IdempotencyKey.objects.filter(user=user, key=request.key).first()
        if record is None:
            return None
        if record.fingerprint != request.fingerprint:
            raise IdempotencyKeyMismatchError(
                f"This Idempotency-Key was already used for a different request ({record.method} {record.path} "
                "with another body).",
                attr="Idempotency-Key",
            )
        if record.resource_id is None:
            raise ConflictError("A request with this Idempotency-Key is in progress.", code="idempotency_key_in_use")
        return load(record.resource_id)

    @staticmethod
    def _claim(user: User, request: IdempotentRequest, resource_type: str) -> IdempotencyKey | None:
        """Insert the key row; None when another transaction holds the same (user, key)."""
        try:
            with transaction.atomic():
                return IdempotencyKey.objects.create(
                    user=user,
                    key=request.key,
                    fingerprint=request.fingerprint,
                    method=request.method,
                    path=request.path,
                    resource_type=resource_type,
                )
        except IntegrityError:
            return None
