def test_login_page(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert b'<html lang="de"' in response.data


def test_learner_reads(client, auth, learner):
    r = auth.login("erika")
    assert r.status_code == 302
    r = client.get("/")
    assert r.status_code == 200, r.data
    r = client.get("/courses/sample/sample-first")
    assert r.status_code == 200, r.data
    assert "<h1>Die erste Lektion</h1>" in r.get_data(as_text=True)
