"""The portal's URLs plus the bare comparison view of the list benchmark."""

from django.urls import path

from bench.course_offers import bare_offer_list
from portal.urls import urlpatterns as portal_urlpatterns

urlpatterns = [path("bench/bare-offers/", bare_offer_list), *portal_urlpatterns]
