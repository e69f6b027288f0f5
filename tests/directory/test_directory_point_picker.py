"""Issue 9 §9: the resource's place is put on a map (hidden latitude/longitude filled by the
point picker), never typed as coordinates."""

import re


def test_edit_form_places_the_point_on_a_map(small_dir, client_for):
    client = client_for(small_dir["coordinator"])
    for url in (f"/directory/r/{small_dir['public'].pk}/edit/", f"/directory/new/?m={small_dir['m'].pk}"):
        html = client.get(url).content.decode()
        assert re.search(r'<input type="hidden" name="lat"', html), url
        assert re.search(r'<input type="hidden" name="lon"', html), url
        assert "緯度" not in html and "経度" not in html, url
        assert 'id="place-map"' in html and 'data-point-picker' in html and "sasaeai/js/point_picker.js" in html
        assert 'id="place-map-data"' in html
