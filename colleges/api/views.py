from django.db import transaction
from django.http import Http404
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from core.api_pagination import PortalCursorPagination, PortalPageNumberPagination
from core.roles import Role
from core.upsert import BULK_CONTENTION
from trusts.services import board_open_today_check, membership_follow_board

from .. import selectors, services
from ..filtersets import CollegeFilterSet, CourseOfferFilterSet
from ..models import CollegeBoard
from .serializers import (
    BulkErrorSerializer,
    CollegeSerializer,
    CourseOfferBulkResultSerializer,
    CourseOfferHistorySerializer,
    CourseOfferSerializer,
    FieldErrorsSerializer,
    render_course_offer_values,
    validate_offer_items,
)


class CollegeViewSet(viewsets.ModelViewSet):
    """Further education colleges, keyed by UKPRN."""

    queryset = selectors.college_list()
    serializer_class = CollegeSerializer
    filterset_class = CollegeFilterSet
    lookup_field = "ukprn"
    ordering_fields = ["ukprn", "name"]

    def perform_create(self, serializer):
        board_open_today_check(serializer.validated_data.get("ics"))
        with transaction.atomic():
            membership_follow_board(member=serializer.save(), membership_model=CollegeBoard)

    def perform_update(self, serializer):
        if "ics" in serializer.validated_data and serializer.validated_data["ics"] != serializer.instance.ics:
            board_open_today_check(serializer.validated_data["ics"])
        with transaction.atomic():
            membership_follow_board(member=serializer.save(), membership_model=CollegeBoard)


OFFER_EXAMPLE = {
    "course_code": "HSC-TL-26",
    "title": "T Level in Health",
    "qualification_type": "t_level",
    "level": 3,
    "apprenticeship_standard": None,
    "academic_year": "2026/27",
    "start_date": "2026-09-07",
    "duration_months": 24,
    "planned_places": 40,
    "expected_completion_rate": "0.8500",
    "delivery_ics": None,
}
APPRENTICESHIP_EXAMPLE = {
    "course_code": "HCSW-APP-26",
    "title": "Healthcare support worker apprenticeship",
    "qualification_type": "apprenticeship",
    "apprenticeship_standard": "ST0216",
    "academic_year": "2026/27",
    "start_date": "2027-01-11",
    "duration_months": 13,
    "planned_places": 25,
}
FIELD_ERRORS_400 = OpenApiResponse(
    FieldErrorsSerializer,
    description="Not valid: each field named with its messages; nothing was written.",
    examples=[
        OpenApiExample(
            "A start date outside the academic year",
            value={"start_date": ["The start date must fall inside 2026/27 (1 August 2026 to 31 July 2027)."]},
            response_only=True,
        )
    ],
)
REFUSED = {
    401: OpenApiResponse(description="Not signed in: send `Authorization: Token <key>`."),
    403: OpenApiResponse(description="Outside your scope (another college's offer, or a role that cannot write)."),
    429: OpenApiResponse(description="Too many requests for this token: wait the seconds in the Retry-After header."),
}


@extend_schema_view(
    list=extend_schema(
        summary="List course offers",
        description="Every signed-in user reads all offers. Filters combine; `q` searches titles; "
        "`ordering` sorts (prefix `-` for descending).",
        responses={200: CourseOfferSerializer(many=True), **REFUSED},
    ),
    retrieve=extend_schema(summary="One course offer", responses={200: CourseOfferSerializer, 404: None, **REFUSED}),
    create=extend_schema(
        summary="Create one course offer",
        description="College users create offers of their own college and leave `college` out; staff name the "
        "college by UKPRN. 400 if an offer with the same college, course_code and academic_year exists.",
        examples=[
            OpenApiExample("A T Level", value=OFFER_EXAMPLE, request_only=True),
            OpenApiExample("An apprenticeship (level taken from the standard)", value=APPRENTICESHIP_EXAMPLE,
                           request_only=True),
        ],
        responses={201: CourseOfferSerializer, 400: FIELD_ERRORS_400, **REFUSED},
    ),
    update=extend_schema(
        summary="Replace one course offer",
        responses={200: CourseOfferSerializer, 400: FIELD_ERRORS_400, 404: None, **REFUSED},
    ),
    partial_update=extend_schema(
        summary="Change some fields of one course offer",
        description="Only the fields sent change. A request that changes nothing writes nothing.",
        responses={200: CourseOfferSerializer, 400: FIELD_ERRORS_400, 404: None, **REFUSED},
    ),
    destroy=extend_schema(summary="Delete one course offer", responses={204: None, 404: None, **REFUSED}),
)
class CourseOfferViewSet(viewsets.ModelViewSet):
    """Course offers: what each college plans to teach, by academic year. Read by everyone signed in;
    written by the college's own users and by staff. Each create, change and delete leaves one
    history entry, listed at `course-offers/{id}/history/`."""

    queryset = selectors.course_offer_list()
    serializer_class = CourseOfferSerializer
    filterset_class = CourseOfferFilterSet
    write_roles = (Role.COLLEGE,)
    lookup_value_regex = r"[0-9]+"
    ordering_fields = [
        "id", "course_code", "title", "level", "academic_year", "start_date", "planned_places", "updated_at",
        "college__ukprn", "college__name",
    ]
    pagination_class = PortalCursorPagination
    # The default order, an index range (the natural key's unique index).
    cursor_ordering = ("college_id", "course_code", "academic_year")

    def list_values(self, offers):
        """The list's page is read as dicts, not model instances (issue 13); its count is of the offers alone."""
        return selectors.course_offer_values(offers) if self.action == "list" else offers

    def list(self, request, *args, **kwargs):
        rows = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(render_course_offer_values(rows))

    def perform_create(self, serializer):
        serializer.instance = services.course_offer_create(
            user=self.request.user, data=serializer.validated_data, source="api"
        )

    def perform_update(self, serializer):
        serializer.instance = services.course_offer_update(
            offer=serializer.instance, user=self.request.user, data=serializer.validated_data, source="api"
        )

    def perform_destroy(self, instance):
        services.course_offer_delete(offer=instance, user=self.request.user, source="api")

    @extend_schema(
        summary="Create or update many offers by natural key",
        description=(
            f"Send a JSON list of up to {services.BULK_MAX_ITEMS:,} offers, each in the shape of a single "
            "create. An item matches an existing offer by college + course_code + academic_year: a match "
            "is updated (every field is replaced by the item's; fields left out become null, and the level "
            "of an apprenticeship comes from its standard) or left unchanged when identical; no match is "
            "created. All or nothing: if any item is invalid the answer is 400 listing each bad item by "
            "its index (from 0) and field, and nothing is written. Each created or updated offer gets one "
            "history entry; unchanged ones get none."
        ),
        request=CourseOfferSerializer(many=True),
        responses={
            200: CourseOfferBulkResultSerializer,
            400: OpenApiResponse(
                BulkErrorSerializer,
                description="At least one item is invalid (or the body is not a list, or too long): nothing written.",
                examples=[
                    OpenApiExample(
                        "Item 3 starts outside its academic year",
                        value={"errors": {"3": {"start_date": [
                            "The start date must fall inside 2026/27 (1 August 2026 to 31 July 2027)."
                        ]}}},
                        response_only=True,
                    ),
                    OpenApiExample(
                        "Too many items",
                        value={"non_field_errors": ["Send at most 5,000 offers in one request."]},
                        response_only=True,
                    ),
                ],
            ),
            **REFUSED,
            **BULK_CONTENTION,
        },
        examples=[
            OpenApiExample("Two offers", value=[OFFER_EXAMPLE, APPRENTICESHIP_EXAMPLE], request_only=True),
            OpenApiExample(
                "Counts", value={"created": 1, "updated": 0, "unchanged": 1}, response_only=True, status_codes=["200"]
            ),
        ],
        filters=False,
    )
    @action(detail=False, methods=["post"], url_path="bulk", pagination_class=None, filterset_class=None)
    def bulk(self, request):
        items = request.data
        if not isinstance(items, list):
            raise ValidationError({"non_field_errors": ["Send a JSON list of offers."]})
        if len(items) > services.BULK_MAX_ITEMS:
            raise ValidationError(
                {"non_field_errors": [f"Send at most {services.BULK_MAX_ITEMS:,} offers in one request."]}
            )
        rows, errors = validate_offer_items(items, context=self.get_serializer_context())
        counts = services.course_offers_upsert(
            rows=rows, errors=errors, user=request.user, source="bulk", fields_checked=True
        )
        return Response(counts, status=status.HTTP_200_OK)

    @extend_schema(
        summary="The audit trail of one offer",
        description="Every create, change and delete of the offer, newest first: who, when, how (source) and "
        "which fields changed. Still answers after the offer is deleted.",
        responses={200: CourseOfferHistorySerializer(many=True), 404: None, **REFUSED},
        filters=False,
    )
    @action(detail=True, methods=["get"], filterset_class=None, pagination_class=PortalPageNumberPagination)
    def history(self, request, pk=None):
        entries = selectors.course_offer_history(offer_id=int(pk))
        if not entries and not self.get_queryset().filter(pk=pk).exists():
            # An offer readable here has a (possibly empty) trail; only an id that never named
            # an offer is unknown. Deleted offers keep their trail.
            raise Http404("No course offer has this id.")
        page = self.paginate_queryset(entries)
        serializer = CourseOfferHistorySerializer(page, many=True)
        return self.get_paginated_response(serializer.data)


