"""What the learning parts tell each other, so none imports another's services.

``course_passed`` is sent inside the transaction that grades an attempt of a
course's final quiz with a pass: the training records complete the person's
assignment and issue the certificate.
"""

from django.dispatch import Signal

# kwargs: attempt (Attempt, submitted and passed; attempt.quiz.lesson is None)
course_passed = Signal()
