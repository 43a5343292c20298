from .models import ApprenticeshipStandard, Occupation


def occupation_list():
    return Occupation.objects.all()


def apprenticeship_standard_list():
    return ApprenticeshipStandard.objects.all()
