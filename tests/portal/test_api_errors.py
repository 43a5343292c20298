from colleges.models import College
from tests.factories import CollegeFactory, CourseOfferFactory


def test_deleting_a_record_others_refer_to_answers_409_and_keeps_it(db, client_for, staff_user):
    # given a college with a course offer
    college = CollegeFactory()
    CourseOfferFactory(college=college)
    # when staff try to delete the college
    response = client_for(staff_user).delete(f"/api/v1/colleges/{college.ukprn}/")
    # then
    assert response.status_code == 409
    assert "course offers" in response.json()["detail"]
    assert College.objects.filter(pk=college.pk).exists()


def test_a_json_body_with_a_nul_character_is_refused_with_400(db, client_for, staff_user):
    # given a key PostgreSQL could not even compare
    body = [{"course_code": "A\u0000B", "college": "1000\u00000001"}]
    # when
    response = client_for(staff_user).post("/api/v1/course-offers/bulk/", body, format="json")
    # then
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]
