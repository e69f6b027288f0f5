from sasaeai.tenancy.models import Area, Role


def test_fixture_town_has_one_layer1_area(make_municipality, make_user, client_for):
    m = make_municipality(n_areas=3)
    assert Area.objects.filter(municipality=m, layer=1).count() == 1
    assert Area.objects.filter(municipality=m, layer=2).count() == 3
    user = make_user(Role.COORDINATOR_L1, m)
    response = client_for(user).get("/")
    assert response.status_code == 200
    assert "地区1" in response.content.decode()
