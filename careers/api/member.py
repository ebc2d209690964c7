"""Member career API: profile, jobs, recommendations, applications, activity."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from careers import selectors, services
from careers.forms.member import JobSearchApiForm
from careers.http import SignedInAPIRequest
from careers.models import ActivityEvent
from careers.serializers.member import (
    ActivityEventSerializer,
    ApplicationSerializer,
    ApplyInputSerializer,
    JobDetailSerializer,
    JobSerializer,
    MarkedJobSerializer,
    MarkResultSerializer,
    ProfileInputSerializer,
    ProfileOutputSerializer,
    RecommendationSerializer,
    SkillSuggestResultSerializer,
    WithdrawResultSerializer,
)

if TYPE_CHECKING:
    from accounts.models import User

NOT_FOUND = OpenApiResponse(description="Not found, or not yours (error envelope, not_found).")
CONSENT = OpenApiResponse(
    description="consent_required: the named purpose needs your consent (error envelope)."
)


def _own_profile_data(user: User) -> dict[str, Any]:
    profile = selectors.profile_for_user(user=user) or services.profile_get_or_create(user=user)
    data = selectors.profile_public_dict(profile)
    data["visibility"] = profile.visibility
    data["hide_from_current_employer"] = profile.hide_from_current_employer
    for entry, employment in zip(data["employment"], profile.employments.all(), strict=True):
        entry["employer_id"] = employment.employer_id
        entry["employer_domain"] = employment.employer_domain
    data["hidden_from_employers"] = [
        {"id": e.pk, "name": e.name, "domain": e.domain}
        for e in selectors.employers_hidden_from(profile=profile)
    ]
    return data


class ProfileView(APIView):
    """The member's own career profile, nested."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: ProfileOutputSerializer})
    def get(self, request: SignedInAPIRequest) -> Response:
        return Response(_own_profile_data(request.user))

    @extend_schema(
        request=ProfileInputSerializer,
        responses={200: ProfileOutputSerializer},
        description="Every key is optional; `employment`, `education` and `skills` replace the "
        "whole list when given. All or nothing: on a 400 nothing was saved. Field errors are "
        "keyed like `employment[1].end_date` or `skills`.",
    )
    def put(self, request: SignedInAPIRequest) -> Response:
        serializer = ProfileInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.profile_replace(user=request.user, data=serializer.validated_data)
        return Response(_own_profile_data(request.user))


class JobPagination(PageNumberPagination):
    page_size = 20
    max_page_size = 100
    page_size_query_param = "page_size"


class JobListView(APIView):
    """Open jobs, filtered; no consent needed (searches are recorded only with consent)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="Words in title, description or employer."),
            OpenApiParameter("location", str),
            OpenApiParameter("skills", str, description="Comma-separated; all must match."),
            OpenApiParameter("remote_mode", str, enum=["onsite", "hybrid", "remote"]),
            OpenApiParameter(
                "job_type", str, enum=["full_time", "part_time", "contract", "internship"]
            ),
            OpenApiParameter("seniority", str, enum=["junior", "mid", "senior", "lead"]),
            OpenApiParameter("min_salary", int),
            OpenApiParameter("employer", OpenApiTypes.UUID),
        ],
        responses={200: JobSerializer(many=True)},
    )
    def get(self, request: SignedInAPIRequest) -> Response:
        params = request.query_params
        form = JobSearchApiForm(params)
        if not form.is_valid():
            # The same rules as the search page: lengths, choices, no NUL characters (which
            # PostgreSQL cannot store in the activity log), whole numbers, a valid employer id.
            raise DjangoValidationError(form.errors.as_data())
        filters = form.filters()
        jobs = selectors.job_search(**filters)
        paginator = JobPagination()
        page = paginator.paginate_queryset(jobs, request, view=self)
        if any(filters.values()) and params.get("page") in (None, "1"):
            services.activity_record(
                user=request.user,
                kind=ActivityEvent.Kind.SEARCHED,
                query={k: v for k, v in filters.items() if v},
            )
        return paginator.get_paginated_response(JobSerializer(page, many=True).data)


class JobDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={200: JobDetailSerializer, 404: NOT_FOUND},
        description="`match` says how well the job fits you and why (the reasons the job page "
        "shows); null without job_recommendations consent or for a closed job.",
    )
    def get(self, request: SignedInAPIRequest, job_id: Any) -> Response:
        job = selectors.job_get_for_member(user=request.user, job_id=job_id)
        services.activity_record(user=request.user, kind=ActivityEvent.Kind.VIEWED, job=job)
        match = selectors.job_recommendation(user=request.user, job=job)
        return Response(JobDetailSerializer(job, context={"match": match}).data)


class RecommendedJobsView(APIView):
    """Top open jobs for the member with a score out of 100 and the reasons."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter("limit", int, description="1-100, default 20.")],
        responses={200: RecommendationSerializer(many=True), 403: CONSENT},
        description="Needs job_recommendations consent (403 consent_required otherwise). "
        "Jobs you dismissed or applied to are never included.",
    )
    def get(self, request: SignedInAPIRequest) -> Response:
        try:
            limit = int(request.query_params.get("limit", 20))
        except ValueError:
            limit = 20
        recommendations = selectors.jobs_recommended(user=request.user, limit=limit)
        return Response(RecommendationSerializer(recommendations, many=True).data)


class JobApplyView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=ApplyInputSerializer,
        responses={
            201: ApplicationSerializer,
            403: CONSENT,
            404: NOT_FOUND,
            409: OpenApiResponse(description="already_applied"),
        },
        description="Apply with an optional note. Needs share_profile_with_employers consent. "
        "The employer's recruiters get access to a snapshot of your profile as it is now.",
    )
    def post(self, request: SignedInAPIRequest, job_id: Any) -> Response:
        serializer = ApplyInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        application = services.application_submit(
            user=request.user, job_id=job_id, note=serializer.validated_data["note"]
        )
        application = selectors.application_get_for_member(
            user=request.user, application_id=application.pk
        )
        return Response(ApplicationSerializer(application).data, status=status.HTTP_201_CREATED)


class JobMarkView(APIView):
    """Save or dismiss a job (POST), or undo it (DELETE). Needs job_recommendations consent."""

    permission_classes = [IsAuthenticated]
    kind = ActivityEvent.Kind.SAVED

    def _result(self, request: SignedInAPIRequest, job: Any) -> Response:
        marks = selectors.job_marks_for_user(user=request.user, job_ids=[job.pk]).get(job.pk, set())
        return Response(
            {"job": job.pk, "saved": "saved" in marks, "dismissed": "dismissed" in marks}
        )

    @extend_schema(
        request=None, responses={200: MarkResultSerializer, 403: CONSENT, 404: NOT_FOUND}
    )
    def post(self, request: SignedInAPIRequest, job_id: Any) -> Response:
        job = selectors.job_get_for_member(user=request.user, job_id=job_id)
        services.job_mark(user=request.user, job=job, kind=self.kind)
        return self._result(request, job)

    @extend_schema(responses={200: MarkResultSerializer, 404: NOT_FOUND})
    def delete(self, request: SignedInAPIRequest, job_id: Any) -> Response:
        job = selectors.job_get_for_member(user=request.user, job_id=job_id)
        services.job_unmark(user=request.user, job=job, kind=self.kind)
        return self._result(request, job)


class MyApplicationsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: ApplicationSerializer(many=True)})
    def get(self, request: SignedInAPIRequest) -> Response:
        rows = selectors.applications_for_user(user=request.user)
        return Response(ApplicationSerializer(rows, many=True).data)


class MyApplicationDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: ApplicationSerializer, 404: NOT_FOUND})
    def get(self, request: SignedInAPIRequest, application_id: Any) -> Response:
        application = selectors.application_get_for_member(
            user=request.user, application_id=application_id
        )
        return Response(ApplicationSerializer(application).data)

    @extend_schema(
        responses={200: WithdrawResultSerializer, 404: NOT_FOUND},
        description="Withdraw: the employer loses access to your profile. `notes` names it.",
    )
    def delete(self, request: SignedInAPIRequest, application_id: Any) -> Response:
        notes = services.application_withdraw(user=request.user, application_id=application_id)
        return Response({"notes": notes})


class ActivityPagination(PageNumberPagination):
    page_size = 50


class MyActivityView(APIView):
    """The member's job-search activity: list, or delete all of it."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: ActivityEventSerializer(many=True)})
    def get(self, request: SignedInAPIRequest) -> Response:
        paginator = ActivityPagination()
        page = paginator.paginate_queryset(
            selectors.activity_for_user(user=request.user), request, view=self
        )
        return paginator.get_paginated_response(ActivityEventSerializer(page, many=True).data)

    @extend_schema(operation_id="me_activity_delete_all", responses={204: None})
    def delete(self, request: SignedInAPIRequest) -> Response:
        services.activity_delete(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MyActivityDetailView(APIView):
    """One event of the member's job-search activity."""

    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="me_activity_delete_one", responses={204: None, 404: NOT_FOUND})
    def delete(self, request: SignedInAPIRequest, event_id: int) -> Response:
        services.activity_delete(user=request.user, event_id=event_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class JobSaveView(JobMarkView):
    """Save a job (POST) or unsave it (DELETE)."""

    kind = ActivityEvent.Kind.SAVED


class JobDismissView(JobMarkView):
    """Dismiss a job so it is never recommended (POST), or undo (DELETE)."""

    kind = ActivityEvent.Kind.DISMISSED


class MyMarkedJobsView(APIView):
    """Jobs the member saved (or marked not interested), most recent first."""

    permission_classes = [IsAuthenticated]
    kind = ActivityEvent.Kind.SAVED

    @extend_schema(responses={200: MarkedJobSerializer(many=True)})
    def get(self, request: SignedInAPIRequest) -> Response:
        jobs = selectors.jobs_marked_by_user(user=request.user, kind=self.kind)
        return Response(MarkedJobSerializer(jobs, many=True).data)


class MySavedJobsView(MyMarkedJobsView):
    """Jobs the member saved, most recently saved first (closed ones included, status says)."""

    kind = ActivityEvent.Kind.SAVED


class MyDismissedJobsView(MyMarkedJobsView):
    """Jobs the member marked “not interested”: never recommended (DELETE the mark to undo)."""

    kind = ActivityEvent.Kind.DISMISSED


class SkillSuggestView(APIView):
    """Catalogue skills for what is being typed, with “did you mean” for a misspelling."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="What the member typed (name or alias)."),
            OpenApiParameter("limit", int, description="1-25, default 10."),
        ],
        responses={200: SkillSuggestResultSerializer},
    )
    def get(self, request: SignedInAPIRequest) -> Response:
        query = str(request.query_params.get("q", ""))[:100]
        try:
            limit = int(request.query_params.get("limit", 10))
        except ValueError:
            limit = 10
        suggestions = selectors.skill_suggest(query=query, limit=limit)
        exact = any(s["name"].lower() == query.strip().lower() for s in suggestions)
        did_you_mean = None
        if not suggestions and not exact:
            did_you_mean = selectors.skill_did_you_mean(query)
        return Response({"query": query, "suggestions": suggestions, "did_you_mean": did_you_mean})
