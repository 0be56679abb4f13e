"""Skills competitions (技能竞赛) and training courses (培训课程), as a sub-package: the two forms declared as
questions on the one form engine (conversations/form_questions.py; competition_form.py: /new_competition,
course_form.py: /new_course), what is shown (views.py), browsing and subscribing (competitions.py, courses.py, with
what they share in shared.py), and staff changes to a published event (admin.py)."""
