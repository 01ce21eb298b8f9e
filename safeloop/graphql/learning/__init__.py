"""Learning (培训) in the API: courses, quizzes, the question bank, training records."""
