"""The administrator manages who may log in, and nobody else can."""

from __future__ import annotations


def test_admin_adds_a_producer_who_can_then_log_in(app, as_user) -> None:  # type: ignore[no-untyped-def]
    admin = as_user("admin")
    response = admin.post(
        "/api/users",
        json={
            "username": "producer3",
            "display_name": "导播 小李",
            "password": "s3cret-pass",
            "role": "producer",
            "sip_extension": "sip:203@127.0.0.1:5080",
        },
    )
    assert response.status_code == 201
    client = app.test_client()
    assert client.post("/login", data={"username": "producer3", "password": "s3cret-pass"}).status_code == 302
    assert client.get("/api/me").json["user"]["sip_extension"] == "sip:203@127.0.0.1:5080"


def test_a_unit_handler_must_belong_to_a_unit(as_user) -> None:  # type: ignore[no-untyped-def]
    response = as_user("admin").post(
        "/api/users",
        json={"username": "h2", "display_name": "h", "password": "s3cret-pass", "role": "unit_handler"},
    )
    assert response.status_code == 422
    assert "unit_id" in response.json["error"]["details"]


def test_a_disabled_user_cannot_log_in(app, as_user) -> None:  # type: ignore[no-untyped-def]
    admin = as_user("admin")
    clerk_id = next(u["id"] for u in admin.get("/api/users").json["items"] if u["username"] == "clerk")
    assert admin.patch(f"/api/users/{clerk_id}", json={"active": False}).status_code == 200
    response = app.test_client().post("/login", data={"username": "clerk", "password": "hotline-demo"})
    assert response.status_code == 200  # the form again, not a redirect into the console


def test_the_admin_cannot_lock_themselves_out(as_user) -> None:  # type: ignore[no-untyped-def]
    admin = as_user("admin")
    me = admin.get("/api/me").json["user"]
    assert admin.patch(f"/api/users/{me['id']}", json={"active": False}).status_code == 409


def test_only_the_admin_manages_users(as_user) -> None:  # type: ignore[no-untyped-def]
    assert as_user("oversight").get("/api/users").status_code == 403
    assert as_user("producer").get("/admin/users").status_code == 403
    assert as_user("admin").get("/admin/users").status_code == 200
