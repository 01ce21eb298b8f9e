"""What may be done with learning (培训), and which roles may.

Everyone on the roll takes the courses assigned to them and reads their own
records; seeing other people's records is a manager's scope, as with hazards.
"""

from __future__ import annotations

from enum import StrEnum

from safeloop.access import Role, declare


class LearningPerm(StrEnum):
    # Take assigned courses and quizzes, read one's own attempts and certificates.
    LEARNING_TAKE = "learning.take"
    # Write courses in the Wagtail admin, keep the question bank, quizzes and course packs.
    LEARNING_MANAGE = "learning.manage"
    # Read everyone's training archive, attempts and certificates; revoke certificates.
    LEARNING_VIEW_ALL = "learning.view_all"
    # Read the training archive of the people of one's own workshop (area subtree).
    LEARNING_VIEW_WORKSHOP = "learning.view_workshop"


_MANAGE = {
    LearningPerm.LEARNING_TAKE,
    LearningPerm.LEARNING_MANAGE,
    LearningPerm.LEARNING_VIEW_ALL,
}

declare(
    LearningPerm,
    {
        Role.ADMIN: _MANAGE,
        Role.SAFETY_MANAGER: _MANAGE,
        Role.SAFETY_OFFICER: {LearningPerm.LEARNING_TAKE, LearningPerm.LEARNING_VIEW_ALL},
        Role.LEADER_IN_CHARGE: {LearningPerm.LEARNING_TAKE, LearningPerm.LEARNING_VIEW_ALL},
        Role.PRINCIPAL: {LearningPerm.LEARNING_TAKE, LearningPerm.LEARNING_VIEW_ALL},
        Role.WORKSHOP_DIRECTOR: {LearningPerm.LEARNING_TAKE, LearningPerm.LEARNING_VIEW_WORKSHOP},
        Role.TEAM_LEADER: {LearningPerm.LEARNING_TAKE, LearningPerm.LEARNING_VIEW_WORKSHOP},
        Role.MAINTENANCE: {LearningPerm.LEARNING_TAKE},
        Role.OPERATOR: {LearningPerm.LEARNING_TAKE},
        # A contractor's people take their induction courses and exams.
        Role.CONTRACTOR_WORKER: {LearningPerm.LEARNING_TAKE},
        Role.CREW_LEAD: {LearningPerm.LEARNING_TAKE},
    },
)
