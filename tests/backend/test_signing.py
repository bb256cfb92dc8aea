"""The economic-check authorisation: applicant in chat, adult members by one-time code."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from tests.backend.factories import complete_case, make_id
from tests.backend.helpers import BASE, submit_complete_case


async def test_applicant_and_adult_member_sign(client: TestClient,
                                               service_headers: dict[str, str]) -> None:
    son_id = make_id("19850607")
    case = await submit_complete_case(
        client, service_headers,
        members=[*complete_case()["members"][1:],  # the granddaughter, a minor
                 {"relation": "儿子", "name": "李强", "id_number": son_id},
                 {"relation": "女儿", "name": "李梅", "id_number": make_id("19880808"),
                  "role": "obligor"}])
    case_no = case["case_no"]
    assert case["signatures"]["text"] == "已签署 0/3"  # applicant, son, obligor daughter

    response = await client.post(f"{BASE}/cases/{case_no}/signatures/applicant",
                                 json={"channel_user": "chat-1", "signer_name": "王秀"},
                                 headers=service_headers)
    assert response.status == 422  # not the applicant's name
    response = await client.post(f"{BASE}/cases/{case_no}/signatures/applicant",
                                 json={"channel_user": "chat-1", "signer_name": "王秀英"},
                                 headers=service_headers)
    assert (await response.json())["signatures"]["text"] == "已签署 1/3"

    response = await client.post(f"{BASE}/cases/{case_no}/signing-codes",
                                 params={"channel_user": "chat-1"}, headers=service_headers)
    assert response.status == 201
    codes = {c["name"]: c["code"] for c in (await response.json())["codes"]}
    assert set(codes) == {"李强", "李梅"}

    redeem = {"channel_user": "chat-son", "code": codes["李强"], "signer_name": "李强",
              "id_tail": "0000" if son_id[-4:] != "0000" else "1111"}
    response = await client.post(f"{BASE}/signatures", json=redeem, headers=service_headers)
    assert response.status == 422
    assert (await response.json())["error"]["code"] == "signer_mismatch"

    response = await client.post(f"{BASE}/signatures", json={**redeem, "id_tail": son_id[-4:]},
                                 headers=service_headers)
    assert response.status == 200
    body = await response.json()
    assert body["signatures"]["text"] == "已签署 2/3"
    assert [m["name"] for m in body["signatures"]["missing"]] == ["李梅"]

    # A used code does not work twice.
    response = await client.post(f"{BASE}/signatures", json={**redeem, "id_tail": son_id[-4:]},
                                 headers=service_headers)
    assert response.status == 409


async def test_code_locks_after_five_failures(client: TestClient,
                                              service_headers: dict[str, str]) -> None:
    son_id = make_id("19850607")
    case = await submit_complete_case(
        client, service_headers,
        members=[{"relation": "儿子", "name": "李强", "id_number": son_id}])
    response = await client.post(f"{BASE}/cases/{case['case_no']}/signing-codes",
                                 params={"channel_user": "chat-1"}, headers=service_headers)
    code = (await response.json())["codes"][0]["code"]
    wrong = {"channel_user": "x", "code": code, "signer_name": "李弱", "id_tail": son_id[-4:]}
    for _ in range(5):
        response = await client.post(f"{BASE}/signatures", json=wrong, headers=service_headers)
        assert response.status == 422
    response = await client.post(f"{BASE}/signatures", json={**wrong, "signer_name": "李强"},
                                 headers=service_headers)
    assert response.status == 429


async def test_helper_cannot_sign_for_the_applicant(client: TestClient,
                                                    service_headers: dict[str, str]) -> None:
    case = await submit_complete_case(
        client, service_headers, channel_user="chat-helper",
        helper={"name": "刘敏", "relation": "社工"})
    response = await client.post(f"{BASE}/cases/{case['case_no']}/signatures/applicant",
                                 json={"channel_user": "chat-helper", "signer_name": "王秀英"},
                                 headers=service_headers)
    assert response.status == 409
    assert "本人" in (await response.json())["error"]["message"]


async def test_applicant_of_a_helper_case_signs_by_code_and_can_follow_it(
        client: TestClient, service_headers: dict[str, str]) -> None:
    applicant_id = make_id("19580312")
    case = await submit_complete_case(
        client, service_headers, channel_user="chat-helper", members=[],
        applicant_id_number=applicant_id, helper={"name": "刘敏", "relation": "社工"})
    response = await client.post(f"{BASE}/cases/{case['case_no']}/signing-codes",
                                 params={"channel_user": "chat-helper"}, headers=service_headers)
    codes = (await response.json())["codes"]
    assert [(c["member_id"], c["name"]) for c in codes] == [(None, "王秀英")]
    response = await client.post(
        f"{BASE}/signatures", headers=service_headers,
        json={"channel_user": "chat-grandma", "code": codes[0]["code"], "signer_name": "王秀英",
              "id_tail": applicant_id[-4:]})
    assert (await response.json())["signatures"]["text"] == "已签署 1/1"
    response = await client.get(f"{BASE}/cases", params={"channel_user": "chat-grandma"},
                                headers=service_headers)
    assert [c["case_no"] for c in (await response.json())["items"]] == [case["case_no"]]
