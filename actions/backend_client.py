"""The only door to the case backend: one aiohttp session, timeouts, retries, idempotency keys."""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any

import aiohttp

from actions.config import ActionSettings, settings

log = logging.getLogger(__name__)
SERVICE = "/api/v1/service"


class BackendUnavailable(Exception):
    """The backend did not answer (down, timed out, or a 5xx after retries)."""


class BackendRefused(Exception):
    """The backend answered with a 4xx: `code` and a Chinese `message` a user may read."""

    def __init__(self, status: int, code: str, message: str, details: dict[str, Any] | None):
        super().__init__(f"{status} {code}")
        self.status, self.code, self.message, self.details = status, code, message, details or {}


class BackendClient:
    def __init__(self, config: ActionSettings) -> None:
        self._config = config
        self._session: aiohttp.ClientSession | None = None

    def _http(self) -> aiohttp.ClientSession:
        # Created on first use, inside the running loop of the action server.
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                base_url=self._config.backend_url,
                timeout=aiohttp.ClientTimeout(total=self._config.timeout_seconds),
                headers={"Authorization": f"Bearer {self._config.service_token}"},
            )
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def request(self, method: str, path: str, *, json: Any = None,
                      params: dict[str, str] | None = None,
                      idempotency_key: str | None = None) -> Any:
        """Call the service API. Writes get an idempotency key so a retry is safe."""
        headers = {}
        if method != "GET":
            headers["Idempotency-Key"] = idempotency_key or uuid.uuid4().hex
        last_error: Exception | None = None
        for attempt in range(self._config.retries + 1):
            try:
                async with self._http().request(method, SERVICE + path, json=json, params=params,
                                                headers=headers) as response:
                    if response.status >= 500:
                        last_error = BackendUnavailable(f"backend answered {response.status}")
                    else:
                        body = await response.json(content_type=None)
                        if response.status >= 400:
                            error = (body or {}).get("error", {})
                            raise BackendRefused(response.status, error.get("code", "error"),
                                                 error.get("message", ""), error.get("details"))
                        return body
            except (aiohttp.ClientError, TimeoutError) as exc:
                last_error = exc
            log.warning("backend %s %s failed (attempt %d): %s", method, path, attempt + 1,
                        type(last_error).__name__)
            await asyncio.sleep(0.2 * (attempt + 1))
        raise BackendUnavailable(str(last_error))

    # Cases -----------------------------------------------------------------------------
    async def latest_draft(self, channel_user: str) -> dict[str, Any] | None:
        body = await self.request("GET", "/drafts/latest", params={"channel_user": channel_user})
        return body["draft"]

    async def create_draft(self, channel_user: str, *, for_self: bool,
                           assistance_type: str | None, key: str) -> dict[str, Any]:
        return await self.request("POST", "/drafts", idempotency_key=key, json={
            "channel_user": channel_user, "for_self": for_self,
            "assistance_type": assistance_type})

    async def update_draft(self, case_no: str, channel_user: str,
                           fields: dict[str, Any]) -> dict[str, Any]:
        return await self.request("PATCH", f"/cases/{case_no}", json=fields,
                                  params={"channel_user": channel_user})

    async def set_helper(self, case_no: str, channel_user: str,
                         helper: dict[str, Any]) -> dict[str, Any]:
        return await self.request("PUT", f"/cases/{case_no}/helper", json=helper,
                                  params={"channel_user": channel_user})

    async def add_member(self, case_no: str, channel_user: str, member: dict[str, Any],
                         key: str) -> dict[str, Any]:
        return await self.request("POST", f"/cases/{case_no}/members", json=member,
                                  params={"channel_user": channel_user}, idempotency_key=key)

    async def update_member(self, case_no: str, channel_user: str, member_id: int,
                            fields: dict[str, Any]) -> dict[str, Any]:
        return await self.request("PATCH", f"/cases/{case_no}/members/{member_id}", json=fields,
                                  params={"channel_user": channel_user})

    async def remove_member(self, case_no: str, channel_user: str,
                            member_id: int) -> dict[str, Any]:
        return await self.request("DELETE", f"/cases/{case_no}/members/{member_id}",
                                  params={"channel_user": channel_user})

    async def get_case(self, case_no: str, channel_user: str) -> dict[str, Any]:
        return await self.request("GET", f"/cases/{case_no}",
                                  params={"channel_user": channel_user})

    async def submit(self, case_no: str, channel_user: str) -> dict[str, Any]:
        return await self.request("POST", f"/cases/{case_no}/submit",
                                  params={"channel_user": channel_user},
                                  idempotency_key=f"submit-{case_no}")

    async def withdraw(self, case_no: str, channel_user: str, reason: str) -> dict[str, Any]:
        return await self.request("POST", f"/cases/{case_no}/withdraw", json={
            "channel_user": channel_user, "reason": reason}, idempotency_key=f"withdraw-{case_no}")

    async def cases_of(self, channel_user: str) -> list[dict[str, Any]]:
        body = await self.request("GET", "/cases", params={"channel_user": channel_user})
        return body["items"]

    async def lookup(self, channel_user: str, case_no: str, id_tail: str) -> dict[str, Any]:
        return await self.request("POST", "/cases/lookup", json={
            "channel_user": channel_user, "case_no": case_no, "id_tail": id_tail})

    # Signatures ------------------------------------------------------------------------
    async def sign_as_applicant(self, case_no: str, channel_user: str,
                                signer_name: str) -> dict[str, Any]:
        return await self.request("POST", f"/cases/{case_no}/signatures/applicant", json={
            "channel_user": channel_user, "signer_name": signer_name},
            idempotency_key=f"sign-applicant-{case_no}")

    async def issue_signing_codes(self, case_no: str, channel_user: str) -> dict[str, Any]:
        return await self.request("POST", f"/cases/{case_no}/signing-codes",
                                  params={"channel_user": channel_user})

    async def redeem_signing_code(self, channel_user: str, code: str, signer_name: str,
                                  id_tail: str) -> dict[str, Any]:
        return await self.request("POST", "/signatures", json={
            "channel_user": channel_user, "code": code, "signer_name": signer_name,
            "id_tail": id_tail})

    # Escalations -----------------------------------------------------------------------
    async def escalate(self, channel_user: str, question: str, *, summary: str | None,
                       case_no: str | None, urgent: bool, key: str) -> dict[str, Any]:
        return await self.request("POST", "/escalations", idempotency_key=key, json={
            "channel_user": channel_user, "question": question[:2000], "summary": summary,
            "case_no": case_no, "priority": "urgent" if urgent else "normal"})

    async def inbox(self, channel_user: str) -> list[dict[str, Any]]:
        body = await self.request("POST", "/escalations/inbox",
                                  params={"channel_user": channel_user})
        return body["items"]

    # Eligibility certification ---------------------------------------------------------
    async def start_verification(self, channel_user: str, key: str) -> dict[str, Any]:
        """The identity questions for the chat user's certification (never their answers)."""
        return await self.request("POST", "/certifications/verifications", idempotency_key=key,
                                  json={"channel_user": channel_user})

    async def answer_verification(self, verification_id: str, channel_user: str,
                                  answers: dict[str, str]) -> dict[str, Any]:
        return await self.request("POST", f"/certifications/verifications/{verification_id}/answers",
                                  json={"channel_user": channel_user, "answers": answers})

    async def certify(self, channel_user: str, verification_id: str, answers: dict[str, Any],
                      key: str) -> dict[str, Any]:
        return await self.request("POST", "/certifications", idempotency_key=key, json={
            "channel_user": channel_user, "verification_id": verification_id, **answers})

    async def certifications_of(self, channel_user: str) -> list[dict[str, Any]]:
        body = await self.request("GET", "/certifications", params={"channel_user": channel_user})
        return body["items"]

    # Certificates, linked benefits, objections to the public notice -------------------
    async def issue_certificate(self, channel_user: str,
                                case_no: str | None = None) -> dict[str, Any]:
        return await self.request("POST", "/certificates", json={
            "channel_user": channel_user, "case_no": case_no})

    async def benefits(self, channel_user: str) -> dict[str, Any]:
        return await self.request("GET", "/benefits", params={"channel_user": channel_user})

    async def lodge_objection(self, channel_user: str, notice_no: str, reason: str, *,
                              contact: str | None, key: str) -> dict[str, Any]:
        return await self.request("POST", "/objections", idempotency_key=key, json={
            "channel_user": channel_user, "notice_no": notice_no, "reason": reason[:2000],
            "contact": contact})

    # Eligibility pre-checks ------------------------------------------------------------
    async def record_precheck(self, body: dict[str, Any], *, key: str) -> dict[str, Any]:
        """Record a pre-check: {channel_user, case_no, inputs, result}."""
        return await self.request("POST", "/prechecks", json=body, idempotency_key=key)


_client: BackendClient | None = None


def backend() -> BackendClient:
    """The process-wide client (its HTTP session is opened lazily in the running loop)."""
    global _client
    if _client is None:
        _client = BackendClient(settings())
    return _client
