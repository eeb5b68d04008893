"""The one form → service → errors or message → redirect block of the pages (core.views)."""

from django import forms
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from cmsfamily.core.views import run_service


class NameForm(forms.Form):
    name = forms.CharField()


def _request(method="post", data=None):
    request = getattr(RequestFactory(), method)("/somewhere/", data or {})
    request._messages = CookieStorage(request)
    return request


def _said(request):
    return [(m.level, str(m)) for m in messages.get_messages(request)]


def _never():
    raise AssertionError("the service must not run")


def test_an_invalid_form_does_not_call_the_service():
    request = _request(data={})
    form = NameForm(request.POST)
    assert run_service(request, form, _never, success="Saved.", then="/done/") is None
    assert "name" in form.errors
    assert _said(request) == []


def test_a_get_does_not_call_the_service():
    request = _request("get")
    form = NameForm({"name": "Kenya"})
    assert run_service(request, form, _never, success="Saved.", then="/done/") is None
    assert _said(request) == []


def test_a_refusal_naming_a_field_goes_onto_that_field():
    request = _request(data={"name": "Kenya"})
    form = NameForm(request.POST)

    def refuse():
        raise ValidationError({"name": "Already taken.", "elsewhere": "Not a field here."})

    assert run_service(request, form, refuse, success="Saved.", then="/done/") is None
    assert form.errors["name"] == ["Already taken."]
    assert form.non_field_errors() == ["Not a field here."]
    assert _said(request) == []


def test_a_plain_refusal_goes_onto_the_form_as_a_whole():
    request = _request(data={"name": "Kenya"})
    form = NameForm(request.POST)

    def refuse():
        raise ValidationError("The cycle is closed.", code="closed")

    assert run_service(request, form, refuse, success="Saved.", then="/done/") is None
    assert form.non_field_errors() == ["The cycle is closed."]


def test_errors_may_be_renamed_before_they_reach_the_form():
    request = _request(data={"name": "Kenya"})
    form = NameForm(request.POST)

    def refuse():
        raise ValidationError({"full_name": "Too long."})

    def rename(error):
        return ValidationError({"name": error.message_dict["full_name"]})

    run_service(request, form, refuse, success="Saved.", then="/done/", errors=rename)
    assert form.errors["name"] == ["Too long."]


def test_success_says_its_message_and_redirects():
    request = _request(data={"name": "Kenya"})
    form = NameForm(request.POST)
    calls = []

    def save():
        calls.append(form.cleaned_data["name"])

    response = run_service(request, form, save, success="Saved.", then="/done/")
    assert calls == ["Kenya"]
    assert response is not None and response.status_code == 302
    assert response["Location"] == "/done/"
    assert _said(request) == [(messages.SUCCESS, "Saved.")]


def test_the_message_and_the_redirect_may_read_the_result():
    request = _request(data={"name": "Kenya"})
    form = NameForm(request.POST)
    response = run_service(
        request,
        form,
        lambda: form.cleaned_data["name"].upper(),
        success=lambda name: f"{name} was saved.",
        then=lambda name: f"/parties/{name}/",
    )
    assert response is not None and response["Location"] == "/parties/KENYA/"
    assert _said(request) == [(messages.SUCCESS, "KENYA was saved.")]


def test_no_message_when_success_is_none():
    request = _request(data={"name": "Kenya"})
    form = NameForm(request.POST)
    response = run_service(request, form, lambda: None, success=None, then="/done/")
    assert response is not None and response["Location"] == "/done/"
    assert _said(request) == []
