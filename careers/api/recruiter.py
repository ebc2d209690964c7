"""Recruiter API (/api/v1/recruiter/): candidates, jobs, applicants, stages, saved searches.

Token or session auth. A user who belongs to no employer gets 403 on every endpoint; an object
that is not theirs (or does not exist) gets 404. ``?employer=<id>`` picks one of several
employers (default: the first by name).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.utils.http import urlencode
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from accounts.api_employer import EMPLOYER, EmployerAPIView
from careers.candidate_filters import PARAMETERS
from careers.forms.recruiter import CandidateSearchForm
from careers.http import SignedInAPIRequest
from careers.selectors import (
    application_get_for_recruiter,
    application_granted_get,
    applications_for_job,
    job_get_for_recruiter,
    jobs_for_employer,
)
from careers.selectors.recruiters import (
    candidate_get_for_recruiter,
    saved_search_get,
    saved_searches_for,
)
from careers.selectors.search import candidate_search
from careers.serializers.recruiter import (
    CandidateCardSerializer,
    CandidatePageSerializer,
    CandidateProfileSerializer,
    JobInputSerializer,
    RecruiterApplicationDetailSerializer,
    RecruiterApplicationListSerializer,
    RecruiterApplicationSerializer,
    RecruiterJobListSerializer,
    RecruiterJobSerializer,
    SavedSearchInputSerializer,
    SavedSearchListSerializer,
    SavedSearchSerializer,
    StageInputSerializer,
)
from careers.services.alerts import saved_search_set_alert
from careers.services.applications import application_move
from careers.services.jobs import job_create, job_update
from careers.services.saved_searches import saved_search_create, saved_search_delete
from config.errors import ApplicationError
from config.throttling import ScopedRateThrottle

if TYPE_CHECKING:
    pass

# One OpenAPI parameter per filter declaration (careers.candidate_filters).
SEARCH_PARAMS = [
    EMPLOYER,
    *(OpenApiParameter(p.name, p.api_type, enum=p.enum, description=p.help) for p in PARAMETERS),
]


def _form_error(form: Any) -> ApplicationError:
    return ApplicationError(
        _("Please correct the errors in the fields listed."),
        fields={name: [str(e) for e in errors] for name, errors in form.errors.items()},
    )


class RecruiterAPIView(EmployerAPIView):
    """Recruiter endpoints act for one employer (``accounts.api_employer`` resolves it)."""


class CandidateListView(RecruiterAPIView):
    """GET: candidates this employer may discover, most relevant first (20 a page, 50 pages)."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "candidate_search"

    @extend_schema(
        operation_id="recruiter_candidates_list",
        parameters=SEARCH_PARAMS,
        responses={200: CandidatePageSerializer},
    )
    def get(self, request: SignedInAPIRequest) -> Response:
        params = request.query_params.copy()
        params.pop("employer", None)
        form = CandidateSearchForm(params)
        if not form.is_valid():
            raise _form_error(form)
        query = form.to_query()
        page = candidate_search(employer=self.employer, query=query)
        base = request.build_absolute_uri(request.path)

        def link(number: int) -> str:
            extra = (
                {"employer": str(self.employer.pk)} if "employer" in request.query_params else {}
            )
            return f"{base}?{urlencode({**query.as_params(page=number), **extra, 'page': number})}"

        return Response(
            {
                "count": page.total,
                "count_capped": page.total_capped,
                "pages": page.pages,
                "page": page.page,
                "page_size": page.page_size,
                "sort": query.sort,
                "next": link(page.page + 1) if page.has_next else None,
                "previous": link(page.page - 1) if page.has_previous else None,
                "searched_skills": page.searched_skills,
                "unknown_skills": page.unknown_skills,
                "results": CandidateCardSerializer(page.cards, many=True).data,
            }
        )


class CandidateDetailView(RecruiterAPIView):
    """GET: a candidate's full profile, if discoverable or applied here; else 404. Logged."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "candidate_search"

    @extend_schema(
        operation_id="recruiter_candidate_retrieve",
        parameters=[EMPLOYER],
        responses={200: CandidateProfileSerializer},
    )
    def get(self, request: SignedInAPIRequest, public_id: uuid.UUID) -> Response:
        candidate = candidate_get_for_recruiter(
            user=request.user, employer=self.employer, public_id=public_id
        )
        return Response(CandidateProfileSerializer(candidate).data)


def _job_fields(data: dict[str, Any]) -> tuple[dict[str, Any], list[Any] | None]:
    fields = dict(data)
    skills = fields.pop("skills", None)
    return fields, skills


class JobListView(RecruiterAPIView):
    """GET: the employer's jobs (every status). POST: create one."""

    @extend_schema(
        operation_id="recruiter_jobs_list",
        parameters=[EMPLOYER],
        responses={200: RecruiterJobListSerializer},
    )
    def get(self, request: SignedInAPIRequest) -> Response:
        jobs = jobs_for_employer(user=request.user, employer_id=self.employer.pk)
        return Response({"results": RecruiterJobSerializer(jobs, many=True).data})

    @extend_schema(
        operation_id="recruiter_jobs_create",
        parameters=[EMPLOYER],
        request=JobInputSerializer,
        responses={201: RecruiterJobSerializer},
    )
    def post(self, request: SignedInAPIRequest) -> Response:
        serializer = JobInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields, skills = _job_fields(serializer.validated_data)
        job = job_create(employer=self.employer, actor=request.user, skills=skills, **fields)
        job = jobs_for_employer(user=request.user, employer_id=self.employer.pk).get(pk=job.pk)
        return Response(RecruiterJobSerializer(job).data, status=status.HTTP_201_CREATED)


class JobDetailView(RecruiterAPIView):
    """GET or PATCH one of the employer's jobs (404 for anyone else's)."""

    def _job(self, request: SignedInAPIRequest, job_id: uuid.UUID) -> Any:
        job_get_for_recruiter(user=request.user, job_id=job_id)
        return jobs_for_employer(user=request.user).get(pk=job_id)

    @extend_schema(operation_id="recruiter_job_retrieve", responses={200: RecruiterJobSerializer})
    def get(self, request: SignedInAPIRequest, job_id: uuid.UUID) -> Response:
        return Response(RecruiterJobSerializer(self._job(request, job_id)).data)

    @extend_schema(
        operation_id="recruiter_job_update",
        request=JobInputSerializer,
        responses={200: RecruiterJobSerializer},
    )
    def patch(self, request: SignedInAPIRequest, job_id: uuid.UUID) -> Response:
        job = job_get_for_recruiter(user=request.user, job_id=job_id)
        serializer = JobInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        fields, skills = _job_fields(serializer.validated_data)
        job_update(job=job, actor=request.user, skills=skills, **fields)
        return Response(RecruiterJobSerializer(self._job(request, job_id)).data)


class JobApplicationsView(RecruiterAPIView):
    """GET: applications to one job that this recruiter was granted."""

    @extend_schema(
        operation_id="recruiter_job_applications_list",
        responses={200: RecruiterApplicationListSerializer},
    )
    def get(self, request: SignedInAPIRequest, job_id: uuid.UUID) -> Response:
        applications = applications_for_job(user=request.user, job_id=job_id)
        return Response({"results": RecruiterApplicationSerializer(applications, many=True).data})


class ApplicationDetailView(RecruiterAPIView):
    """GET: one application with the profile the member shared (logged)."""

    @extend_schema(
        operation_id="recruiter_application_retrieve",
        responses={200: RecruiterApplicationDetailSerializer},
    )
    def get(self, request: SignedInAPIRequest, application_id: uuid.UUID) -> Response:
        application = application_get_for_recruiter(
            user=request.user, application_id=application_id
        )
        return Response(RecruiterApplicationDetailSerializer(application).data)


class ApplicationStageView(RecruiterAPIView):
    """POST {"stage": "interview"}: move an application."""

    @extend_schema(
        operation_id="recruiter_application_stage",
        request=StageInputSerializer,
        responses={200: RecruiterApplicationSerializer},
    )
    def post(self, request: SignedInAPIRequest, application_id: uuid.UUID) -> Response:
        serializer = StageInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        application = application_granted_get(user=request.user, application_id=application_id)
        application = application_move(
            application=application,
            actor=request.user,
            stage=serializer.validated_data["stage"],
            reason=serializer.validated_data.get("reason", ""),
            message=serializer.validated_data.get("message", ""),
        )
        return Response(RecruiterApplicationSerializer(application).data)


class SavedSearchListView(RecruiterAPIView):
    """GET: the employer's saved searches. POST {"name", "params": {...filters}}: save one."""

    @extend_schema(
        operation_id="recruiter_searches_list",
        parameters=[EMPLOYER],
        responses={200: SavedSearchListSerializer},
    )
    def get(self, request: SignedInAPIRequest) -> Response:
        rows = saved_searches_for(employer=self.employer)
        return Response({"results": SavedSearchSerializer(rows, many=True).data})

    @extend_schema(
        operation_id="recruiter_searches_create",
        parameters=[EMPLOYER],
        request=SavedSearchInputSerializer,
        responses={201: SavedSearchSerializer},
    )
    def post(self, request: SignedInAPIRequest) -> Response:
        serializer = SavedSearchSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        params = request.data.get("params", {}) if isinstance(request.data, dict) else {}
        if not isinstance(params, dict):
            raise ApplicationError(
                _("params must be an object of search filters."),
                fields={"params": [_("Expected an object.")]},
            )
        form = CandidateSearchForm(
            {
                key: ",".join(map(str, value)) if isinstance(value, list) else str(value)
                for key, value in params.items()
                if value is not None
            }
        )
        if not form.is_valid():
            raise _form_error(form)
        saved = saved_search_create(
            employer=self.employer,
            actor=request.user,
            name=serializer.validated_data["name"],
            query=form.to_query(),
        )
        return Response(SavedSearchSerializer(saved).data, status=status.HTTP_201_CREATED)


class SavedSearchAlertSerializer(serializers.Serializer):
    alert = serializers.BooleanField(help_text="Daily e-mail of new matching candidates.")


class SavedSearchDetailView(RecruiterAPIView):
    """GET, PATCH {"alert"} or DELETE one of the employer's saved searches."""

    @extend_schema(
        operation_id="recruiter_search_update",
        parameters=[EMPLOYER],
        request=SavedSearchAlertSerializer,
        responses={200: SavedSearchSerializer},
    )
    def patch(self, request: SignedInAPIRequest, saved_search_id: uuid.UUID) -> Response:
        data = SavedSearchAlertSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        saved = saved_search_set_alert(
            employer=self.employer,
            saved_search_id=saved_search_id,
            alert=data.validated_data["alert"],
        )
        return Response(SavedSearchSerializer(saved).data)

    @extend_schema(
        operation_id="recruiter_search_retrieve",
        parameters=[EMPLOYER],
        responses={200: SavedSearchSerializer},
    )
    def get(self, request: SignedInAPIRequest, saved_search_id: uuid.UUID) -> Response:
        saved = saved_search_get(employer=self.employer, saved_search_id=saved_search_id)
        return Response(SavedSearchSerializer(saved).data)

    @extend_schema(
        operation_id="recruiter_search_destroy", parameters=[EMPLOYER], responses={204: None}
    )
    def delete(self, request: SignedInAPIRequest, saved_search_id: uuid.UUID) -> Response:
        saved_search_delete(employer=self.employer, saved_search_id=saved_search_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
