"""Outreach API: recruiters save candidates to a job's pipeline or a talent pool and invite them
to apply (/api/v1/recruiter/...); members read and decline invitations and choose whether they
take them (/api/v1/me/invitations/...)."""

from __future__ import annotations

import uuid
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from careers.api.recruiter import EMPLOYER, RecruiterAPIView
from careers.http import SignedInAPIRequest
from careers.models import Application
from careers.selectors import application_granted_get, job_get_for_recruiter
from careers.selectors.outreach import (
    invitations_for_member,
    pool_get,
    pools_for,
    sourced_for,
)
from careers.services import outreach


class SaveInputSerializer(serializers.Serializer):
    job = serializers.UUIDField(required=False, allow_null=True, help_text="One of your jobs.")
    pool = serializers.UUIDField(
        required=False, allow_null=True, help_text="One of your talent pools."
    )


class SavedEntrySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    job = serializers.UUIDField(source="job_id", allow_null=True)
    pool = serializers.UUIDField(source="pool_id", allow_null=True)
    created_at = serializers.DateTimeField()


class InviteInputSerializer(serializers.Serializer):
    job = serializers.UUIDField(help_text="One of your open jobs.")
    message = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class SentInvitationSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    job = serializers.UUIDField(source="job_id")
    created_at = serializers.DateTimeField()


class PoolSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    name = serializers.CharField(max_length=120)
    size = serializers.IntegerField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class PoolListSerializer(serializers.Serializer):
    results = PoolSerializer(many=True)


class SourcedRowSerializer(serializers.Serializer):
    id = serializers.UUIDField(help_text="The saved entry.")
    candidate = serializers.UUIDField(source="public_id")
    headline = serializers.CharField()
    city = serializers.CharField()
    added_at = serializers.DateTimeField()
    added_by = serializers.CharField()
    invited = serializers.BooleanField()


class SourcedListSerializer(serializers.Serializer):
    results = SourcedRowSerializer(many=True)


class PoolDetailSerializer(PoolSerializer):
    candidates = SourcedRowSerializer(many=True)


class CandidateSaveView(RecruiterAPIView):
    """POST {"job"} or {"pool"}: save a discoverable candidate (201 new, 200 already there)."""

    @extend_schema(
        operation_id="recruiter_candidate_save",
        parameters=[EMPLOYER],
        request=SaveInputSerializer,
        responses={201: SavedEntrySerializer, 200: SavedEntrySerializer},
    )
    def post(self, request: SignedInAPIRequest, public_id: uuid.UUID) -> Response:
        data = SaveInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry, created = outreach.candidate_save(
            employer=self.employer,
            actor=request.user,
            public_id=public_id,
            job_id=data.validated_data.get("job"),
            pool_id=data.validated_data.get("pool"),
        )
        return Response(
            SavedEntrySerializer(entry).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class CandidateInviteView(RecruiterAPIView):
    """POST {"job", "message"}: invite a discoverable candidate to apply (409 if refused)."""

    @extend_schema(
        operation_id="recruiter_candidate_invite",
        parameters=[EMPLOYER],
        request=InviteInputSerializer,
        responses={201: SentInvitationSerializer},
    )
    def post(self, request: SignedInAPIRequest, public_id: uuid.UUID) -> Response:
        data = InviteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        invitation = outreach.invitation_send(
            employer=self.employer,
            actor=request.user,
            public_id=public_id,
            job_id=data.validated_data["job"],
            message=data.validated_data.get("message", ""),
        )
        return Response(SentInvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)


class PoolListView(RecruiterAPIView):
    """GET: the employer's talent pools. POST {"name"}: create one."""

    @extend_schema(
        operation_id="recruiter_pools_list",
        parameters=[EMPLOYER],
        responses={200: PoolListSerializer},
    )
    def get(self, request: SignedInAPIRequest) -> Response:
        pools = pools_for(employer=self.employer)
        return Response({"results": PoolSerializer(pools, many=True).data})

    @extend_schema(
        operation_id="recruiter_pools_create",
        parameters=[EMPLOYER],
        request=PoolSerializer,
        responses={201: PoolSerializer},
    )
    def post(self, request: SignedInAPIRequest) -> Response:
        data = PoolSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        pool = outreach.pool_create(
            employer=self.employer, actor=request.user, name=data.validated_data["name"]
        )
        pool = pools_for(employer=self.employer).get(pk=pool.pk)  # with its size (0)
        return Response(PoolSerializer(pool).data, status=status.HTTP_201_CREATED)


class PoolDetailView(RecruiterAPIView):
    """GET: one talent pool with the candidates still discoverable by this employer."""

    @extend_schema(
        operation_id="recruiter_pool_retrieve",
        parameters=[EMPLOYER],
        responses={200: PoolDetailSerializer},
    )
    def get(self, request: SignedInAPIRequest, pool_id: uuid.UUID) -> Response:
        pool = pool_get(employer=self.employer, pool_id=pool_id)
        body: dict[str, Any] = dict(PoolSerializer(pool).data)
        body["candidates"] = SourcedRowSerializer(
            sourced_for(employer=self.employer, pool=pool), many=True
        ).data
        return Response(body)


class JobSourcedView(RecruiterAPIView):
    """GET: candidates saved to this job's pipeline ("sourced"), still discoverable."""

    @extend_schema(
        operation_id="recruiter_job_sourced",
        parameters=[EMPLOYER],
        responses={200: SourcedListSerializer},
    )
    def get(self, request: SignedInAPIRequest, job_id: uuid.UUID) -> Response:
        job = job_get_for_recruiter(user=request.user, job_id=job_id)
        rows = sourced_for(employer=job.employer, job=job)
        return Response({"results": SourcedRowSerializer(rows, many=True).data})


# --- member side --------------------------------------------------------------------------------


class MyInvitationSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    job = serializers.UUIDField(source="job_id")
    job_title = serializers.CharField(source="job.title")
    employer = serializers.CharField(source="job.employer.name")
    message = serializers.CharField()
    status = serializers.CharField()
    applied = serializers.BooleanField(required=False)
    created_at = serializers.DateTimeField()
    responded_at = serializers.DateTimeField(allow_null=True)


class MyInvitationListSerializer(serializers.Serializer):
    results = MyInvitationSerializer(many=True)


class ChoicesSerializer(serializers.Serializer):
    invitations = serializers.BooleanField(help_text="Employers may invite me to apply.")
    email = serializers.BooleanField(help_text="Tell me by e-mail too.")


class MyInvitationsView(APIView):
    """GET: the caller's invitations to apply, newest first."""

    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="me_invitations_list", responses={200: MyInvitationListSerializer})
    def get(self, request: SignedInAPIRequest) -> Response:
        rows = invitations_for_member(user=request.user)
        return Response({"results": MyInvitationSerializer(rows, many=True).data})


class MyInvitationDeclineView(APIView):
    """POST: decline one of the caller's invitations (the employer is not told)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="me_invitation_decline", request=None, responses={200: MyInvitationSerializer}
    )
    def post(self, request: SignedInAPIRequest, invitation_id: uuid.UUID) -> Response:
        outreach.invitation_decline(user=request.user, invitation_id=invitation_id)
        row = invitations_for_member(user=request.user).get(pk=invitation_id)
        return Response(MyInvitationSerializer(row).data)


class MyInvitationChoicesView(APIView):
    """GET or PUT whether the caller takes invitations, and wants e-mail about them."""

    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="me_invitation_choices", responses={200: ChoicesSerializer})
    def get(self, request: SignedInAPIRequest) -> Response:
        return Response(ChoicesSerializer(outreach.outreach_preference(user=request.user)).data)

    @extend_schema(
        operation_id="me_invitation_choices_update",
        request=ChoicesSerializer,
        responses={200: ChoicesSerializer},
    )
    def put(self, request: SignedInAPIRequest) -> Response:
        data = ChoicesSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        preference = outreach.outreach_preference_update(user=request.user, **data.validated_data)
        return Response(ChoicesSerializer(preference).data)


# --- the board, notes, news ---------------------------------------------------------------------


class BoardCardSerializer(serializers.Serializer):
    application = serializers.UUIDField(source="pk")
    headline = serializers.SerializerMethodField()
    applied_at = serializers.DateTimeField(source="created_at")
    rating = serializers.FloatField(allow_null=True)
    notes = serializers.IntegerField(source="note_count")

    def get_headline(self, app: Any) -> str:
        return str(app.profile_snapshot.get("headline", ""))


class BoardColumnSerializer(serializers.Serializer):
    stage = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like a Field attribute: DRF moves declared fields off the class
    count = serializers.IntegerField()
    applications = BoardCardSerializer(many=True, source="cards", required=False)
    sourced = SourcedRowSerializer(many=True, required=False)


class BoardSerializer(serializers.Serializer):
    columns = BoardColumnSerializer(many=True)


class JobBoardView(RecruiterAPIView):
    """GET: the job's board, a column per stage (sourced first) with counts."""

    @extend_schema(
        operation_id="recruiter_job_board", parameters=[EMPLOYER], responses={200: BoardSerializer}
    )
    def get(self, request: SignedInAPIRequest, job_id: uuid.UUID) -> Response:
        from careers.selectors.outreach import job_board

        job = job_get_for_recruiter(user=request.user, job_id=job_id)
        columns = job_board(user=request.user, job=job)
        return Response({"columns": BoardColumnSerializer(columns, many=True).data})


class NoteSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    body = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    rating = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=5)
    author = serializers.CharField(source="author.display_name", read_only=True, default="")
    created_at = serializers.DateTimeField(read_only=True)


class NoteListSerializer(serializers.Serializer):
    results = NoteSerializer(many=True)


class ApplicationNotesView(RecruiterAPIView):
    """GET: an application's private notes and ratings. POST {"body", "rating"}: add one."""

    def _application(self, request: SignedInAPIRequest, application_id: uuid.UUID) -> Application:
        return application_granted_get(user=request.user, application_id=application_id)

    @extend_schema(operation_id="recruiter_application_notes", responses={200: NoteListSerializer})
    def get(self, request: SignedInAPIRequest, application_id: uuid.UUID) -> Response:
        application = self._application(request, application_id)
        notes = application.notes.select_related("author").order_by("created_at")
        return Response({"results": NoteSerializer(notes, many=True).data})

    @extend_schema(
        operation_id="recruiter_application_note_create",
        request=NoteSerializer,
        responses={201: NoteSerializer},
    )
    def post(self, request: SignedInAPIRequest, application_id: uuid.UUID) -> Response:
        from careers.services.pipeline import note_add

        data = NoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        application = self._application(request, application_id)
        note = note_add(
            application=application,
            actor=request.user,
            body=data.validated_data.get("body", ""),
            rating=data.validated_data.get("rating"),
        )
        return Response(NoteSerializer(note).data, status=status.HTTP_201_CREATED)


class NewsSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.CharField()
    job = serializers.UUIDField(source="job_id", allow_null=True)
    job_title = serializers.CharField(source="job.title", default="")
    employer = serializers.CharField(source="job.employer.name", default="")
    stage = serializers.CharField()
    stage_label = serializers.CharField()
    message = serializers.CharField()
    created_at = serializers.DateTimeField()


class NewsListSerializer(serializers.Serializer):
    results = NewsSerializer(many=True)


class MyNewsView(APIView):
    """GET: news about the caller's applications (stage changes), newest first."""

    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="me_news_list", responses={200: NewsListSerializer})
    def get(self, request: SignedInAPIRequest) -> Response:
        from careers.selectors.outreach import news_for_member

        return Response(
            {"results": NewsSerializer(news_for_member(user=request.user), many=True).data}
        )
