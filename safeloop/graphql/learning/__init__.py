"""Learning in the API: courses, lessons and progress (courses.py), quizzes (quiz.py, bank.py),
training records (training.py)."""
