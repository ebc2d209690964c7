from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from accounts import views, views_team
from accounts.forms import EmailPasswordResetForm
from config.throttling import rate_limited

app_name = "accounts"

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("login/", views.signin, name="login"),
    path("logout/", views.signout, name="logout"),
    path("", views.account, name="account"),
    path("premium/demo/", views.premium_demo, name="premium-demo"),
    path("employers/", views.employer_create, name="employer-create"),
    path("employers/<uuid:employer_id>/invite/", views.employer_invite, name="employer-invite"),
    path("employers/<uuid:employer_id>/team/", views_team.team, name="employer-team"),
    path(
        "team/members/<int:membership_id>/role/",
        views_team.member_role,
        name="employer-member-role",
    ),
    path(
        "team/members/<int:membership_id>/remove/",
        views_team.member_remove,
        name="employer-member-remove",
    ),
    path(
        "team/invitations/<uuid:invitation_id>/resend/",
        views_team.invitation_resend,
        name="employer-invitation-resend",
    ),
    path(
        "team/invitations/<uuid:invitation_id>/revoke/",
        views_team.invitation_revoke,
        name="employer-invitation-revoke",
    ),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation-accept"),
    path("tokens/<uuid:token_id>/revoke/", views.token_revoke, name="token-revoke"),
    path("tokens/revoke-all/", views.tokens_revoke_all, name="tokens-revoke-all"),
    path(
        "password/change/",
        views.PasswordChangeView.as_view(
            template_name="registration/password_change_form.html",
            success_url=reverse_lazy("accounts:password-change-done"),
        ),
        name="password-change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="registration/password_change_done.html"
        ),
        name="password-change-done",
    ),
    path(
        "password/reset/",
        rate_limited("password_reset")(
            auth_views.PasswordResetView.as_view(
                form_class=EmailPasswordResetForm,
                template_name="registration/password_reset_form.html",
                email_template_name="registration/password_reset_email.txt",
                subject_template_name="registration/password_reset_subject.txt",
                success_url=reverse_lazy("accounts:password-reset-done"),
            )
        ),
        name="password-reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="registration/password_reset_done.html"
        ),
        name="password-reset-done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(
            template_name="registration/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password-reset-complete"),
        ),
        name="password-reset-confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="registration/password_reset_complete.html"
        ),
        name="password-reset-complete",
    ),
]
