"""The offline API reference lists every JSON route and loads nothing from elsewhere."""

from tests.helpers import soup


def test_api_docs_lists_the_crime_routes_without_external_assets(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    page = soup(response.text)
    titles = {
        s.find("h2").get_text(" ", strip=True) for s in page.select('[data-testid="api-operation"]')
    }
    assert {"POST /api/v1/crimes", "GET /api/v1/crimes", "GET /api/v1/crimes/{crime_id}"} <= titles
    for tag in page.find_all(["script", "link", "img"]):
        ref = tag.get("src") or tag.get("href") or ""
        assert not ref.startswith(("http://", "https://", "//")), ref
