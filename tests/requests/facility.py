"""Shared builders for the spot-shift tests (施設スポット支援): a care facility (a partner of
kind care provider with one branch on the directory map) and its staff member."""

from sasaeai.directory.models import Location, Organization
from sasaeai.partners.models import PartnerBranch, PartnerKind, PartnerProfile
from sasaeai.tenancy.models import Role


def make_facility(municipality, make_user, *, name="特養さくら苑", kind=PartnerKind.CARE_PROVIDER,
                  lat=35.662, lon=139.332, with_location=True):
    org = Organization.objects.create(municipality=municipality, name=name)
    staff = make_user(Role.PARTNER, municipality, display_name=f"{name}職員")
    org.members.add(staff)
    partner = PartnerProfile.objects.create(organization=org, municipality=municipality, kind=kind)
    loc = None
    if with_location:
        loc = Location.objects.create(municipality=municipality, organization=org, name=name,
                                      address=f"{municipality.name}本町2-1", lat=lat, lon=lon)
    branch = PartnerBranch.objects.create(partner=partner, name=f"{name} 本館",
                                          address=f"{municipality.name}本町2-1", location=loc)
    return branch, staff


def spot_helper_skills():
    return ["housework", "watch_talk", "facility_spot"]
