"""`?goal=N` on "add a target" is read by a form: a number it cannot read is a 400 that names the
goal, never a 500 ("²".isdigit() is true and int("²") raises)."""

import pytest

from cmsfamily.strategy.models import Goal

pytestmark = pytest.mark.django_db

ADD = "/strategy/spms-2015-2023/targets/add/"


@pytest.mark.parametrize("goal", ["²", "x", "-1", "0", "99999999999"])
def test_a_goal_that_is_not_a_number_is_refused(client_as, secretariat, goal):
    response = client_as(secretariat).get(ADD, {"goal": goal})
    assert response.status_code == 400
    assert "Goal:" in response.content.decode()


def test_a_goal_number_still_preselects_the_goal(client_as, secretariat):
    response = client_as(secretariat).get(ADD, {"goal": "3"})
    assert response.status_code == 200
    goal = Goal.objects.get(plan__code="spms-2015-2023", number=3)
    assert response.context["form"].initial["goal"] == goal
