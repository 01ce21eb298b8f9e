"""Learning in the API: courses (courses.py), quizzes (quiz.py, bank.py),
training records (training.py)."""
