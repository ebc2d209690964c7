import pytest


@pytest.mark.django_db
def test_home_page_renders_for_a_visitor(client):
    # when
    response = client.get("/")
    # then
    assert response.status_code == 200
    assert b"Create an account" in response.content
