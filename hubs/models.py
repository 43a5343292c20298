"""Employer hubs, the college-NHS partnerships they keep, what those partnerships do, and good practice.

Scope (DESIGN.md section 2): a hub coordinator writes partnerships, activities, contacts and case
studies whose college (or hub) is their hub; a college user writes its own college's contacts; staff
write everything. Each model answers `is_writable_by(user)` and its queryset `writable_by(user)`.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from core.dates import validate_planning_date
from core.history import ChangeHistory
from core.roles import Role, is_staff


class Agenda(models.TextChoices):
    """The agendas a college-trust partnership can span (the Hugh Baird and Mersey Care list)."""

    LEADERSHIP = "leadership", "Leadership"
    COMMUNICATIONS = "communications", "Communications"
    WORKFORCE_AND_LEARNING = "workforce_and_learning", "Workforce and learning"
    ESTATES = "estates", "Estates"
    GOVERNANCE = "governance", "Governance"
    OPERATIONS = "operations", "Operations"
    BUSINESS_DEVELOPMENT = "business_development", "Business development"
    WIDENING_PARTICIPATION = "widening_participation", "Social inclusion and widening participation"
    STUDENT_WELLBEING = "student_wellbeing", "Student mental health and wellbeing"
    APPRENTICESHIPS = "apprenticeships", "Apprenticeships"
    CLINICAL_SERVICES = "clinical_services", "Clinical services for students"


class CollegeTeam(models.TextChoices):
    """The college teams an agenda involves: the columns of the relationship map."""

    SENIOR_LEADERSHIP = "senior_leadership", "Senior leadership"
    SENIOR_CURRICULUM_LEADERSHIP = "senior_curriculum_leadership", "Senior curriculum leadership"
    STUDENT_SERVICES = "student_services", "Student services"
    CORPORATE_AND_CAPITAL = "corporate_and_capital", "Corporate and capital"
    COURSE_LEADERS = "course_leaders", "Course leaders"
    FE_DELIVERY_TEAM = "fe_delivery_team", "Further education delivery team"


class PartnershipStatus(models.TextChoices):
    EXPLORING = "exploring", "Exploring"
    ACTIVE = "active", "Active"
    STRATEGIC = "strategic", "Strategic"


class ActivityKind(models.TextChoices):
    INDUSTRY_PLACEMENT = "industry_placement", "Industry placement"
    WORK_EXPERIENCE = "work_experience", "Work experience"
    GUARANTEED_INTERVIEWS = "guaranteed_interviews", "Guaranteed interviews"
    CURRICULUM_CODESIGN = "curriculum_codesign", "Curriculum co-design"
    JOINT_POST = "joint_post", "Joint post"
    CPD = "cpd", "Continuing professional development (CPD)"
    IMMERSION_VISIT = "immersion_visit", "Immersion visit"
    CAREERS_EVENT = "careers_event", "Careers event"
    LEVY_TRANSFER = "levy_transfer", "Apprenticeship levy transfer"
    OTHER = "other", "Other"


class ContactSide(models.TextChoices):
    COLLEGE = "college", "College"
    TRUST = "trust", "NHS (trust or ICS)"


def _is_coordinator(user) -> bool:
    return bool(user and user.is_authenticated and user.role == Role.COORDINATOR and user.hub_id)


class Hub(models.Model):
    """An employer hub for health and care: one per NHS England region, hosted by a college."""

    region = models.OneToOneField("trusts.Region", on_delete=models.PROTECT, related_name="hub")
    name = models.CharField(max_length=200)
    host_college = models.ForeignKey(
        "colleges.College", null=True, blank=True, on_delete=models.SET_NULL, related_name="hosted_hubs"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("hubs:hub_detail", args=[self.region.code])

    @property
    def code(self):
        return self.region.code

    def is_writable_by(self, user) -> bool:
        return is_staff(user)


class PartnershipQuerySet(models.QuerySet):
    def writable_by(self, user):
        if is_staff(user):
            return self
        if _is_coordinator(user):
            return self.filter(college__hub_id=user.hub_id)
        return self.none()


class Partnership(models.Model):
    """A college's relationship with an NHS trust, or with an ICS as a whole."""

    college = models.ForeignKey("colleges.College", on_delete=models.PROTECT, related_name="partnerships")
    trust = models.ForeignKey(
        "trusts.Trust",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="partnerships",
        verbose_name="NHS trust",
        help_text="Leave empty when the college partners with the ICS as a whole.",
    )
    ics = models.ForeignKey(
        "trusts.IntegratedCareSystem",
        blank=True,
        on_delete=models.PROTECT,
        related_name="partnerships",
        verbose_name="ICS",
        help_text="The trust's ICS, or the ICS the college partners with as a whole.",
    )
    status = models.CharField(max_length=16, choices=PartnershipStatus.choices, default=PartnershipStatus.EXPLORING)
    started_on = models.DateField("start date", validators=[validate_planning_date])
    summary = models.TextField(max_length=2000)
    occupations = models.ManyToManyField(
        "pathways.Occupation",
        through="PartnershipOccupation",
        blank=True,
        related_name="partnerships",
        verbose_name="roles it works on",
        help_text="The health and care roles this partnership works on (leave empty if none in particular).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = ChangeHistory()
    objects = PartnershipQuerySet.as_manager()

    class Meta:
        # By college, then in the order they were made: the (college, id) index serves it, where names
        # on three joined tables would sort every row (issue 13).
        ordering = ["college_id", "id"]
        indexes = [models.Index(fields=["college", "id"], name="partnership_college_id")]
        constraints = [
            models.UniqueConstraint(
                fields=["college", "trust"],
                condition=Q(trust__isnull=False),
                name="partnership_unique_college_trust",
                violation_error_message="This college already has a partnership with this trust.",
            ),
            models.UniqueConstraint(
                fields=["college", "ics"],
                condition=Q(trust__isnull=True),
                name="partnership_unique_college_whole_ics",
                violation_error_message="This college already has a partnership with this ICS as a whole.",
            ),
            models.CheckConstraint(
                name="partnership_status_known", condition=Q(status__in=PartnershipStatus.values)
            ),
        ]

    def __str__(self):
        return f"{self.college} and {self.partner}"

    def get_absolute_url(self):
        return reverse("hubs:partnership_detail", args=[self.pk])

    @property
    def partner(self):
        """The NHS side: the trust, or the ICS partnered as a whole."""
        return self.trust if self.trust_id else self.ics

    @property
    def agenda_codes(self) -> list[str]:
        return [link.agenda for link in self.agenda_links.all()]
    def clean(self):
        super().clean()
        if self.trust_id is None and self.ics_id is None:
            raise ValidationError({"trust": "Choose a trust, or an ICS to partner with as a whole."})
        if self.trust_id is not None:
            trust_ics_id = self.trust.ics_id
            if self.ics_id is None:
                self.ics_id = trust_ics_id
            elif self.ics_id != trust_ics_id:
                raise ValidationError(
                    {"ics": f"{self.trust} belongs to another ICS; leave the ICS empty or choose its own."}
                )

    def is_writable_by(self, user) -> bool:
        return _is_coordinator(user) and self.college.hub_id == user.hub_id


class PartnershipAgenda(models.Model):
    """One agenda a partnership covers: a row of the relationship map."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="agenda_links")
    agenda = models.CharField(max_length=32, choices=Agenda.choices)
    contacts = models.ManyToManyField("Contact", blank=True, related_name="agenda_links")

    history = ChangeHistory()

    class Meta:
        ordering = ["partnership", "agenda"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "agenda"], name="partnership_agenda_unique"),
            models.CheckConstraint(name="partnership_agenda_known", condition=Q(agenda__in=Agenda.values)),
        ]
        indexes = [models.Index(fields=["agenda", "partnership"])]

    def __str__(self):
        return self.get_agenda_display()


class PartnershipOccupation(models.Model):
    """One role a partnership works on (kept, like its agendas, with its own audit history)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="occupation_links")
    occupation = models.ForeignKey("pathways.Occupation", on_delete=models.PROTECT, related_name="partnership_links")

    history = ChangeHistory()

    class Meta:
        ordering = ["partnership", "occupation"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "occupation"], name="partnership_occupation_unique"),
        ]
        indexes = [models.Index(fields=["occupation", "partnership"])]

    def __str__(self):
        return str(self.occupation)


class ContactQuerySet(models.QuerySet):
    def writable_by(self, user):
        if is_staff(user):
            return self
        if _is_coordinator(user):
            return self.filter(partnership__college__hub_id=user.hub_id)
        if user and user.is_authenticated and user.role == Role.COLLEGE:
            return self.filter(side=ContactSide.COLLEGE, partnership__college_id=user.college_id)
        return self.none()


class Contact(models.Model):
    """A named person on one side of a partnership; college contacts sit in a college team."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="contacts")
    side = models.CharField(max_length=8, choices=ContactSide.choices)
    team = models.CharField(
        "college team",
        max_length=32,
        choices=CollegeTeam.choices,
        blank=True,
        help_text="For college contacts only: the college team they work in.",
    )
    name = models.CharField(max_length=120)
    job_title = models.CharField(max_length=160)
    email = models.EmailField()
    phone = models.CharField(max_length=30, blank=True)

    history = ChangeHistory()
    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["side", "name"]
        constraints = [
            models.CheckConstraint(
                name="contact_team_only_on_college_side",
                condition=(Q(side=ContactSide.COLLEGE) & ~Q(team=""))
                | (Q(side=ContactSide.TRUST) & Q(team="")),
            ),
        ]

    def __str__(self):
        return f"{self.name}, {self.job_title}"

    def get_absolute_url(self):
        return reverse("hubs:partnership_detail", args=[self.partnership_id])

    def clean(self):
        super().clean()
        if self.side == ContactSide.COLLEGE and not self.team:
            raise ValidationError({"team": "Choose the college team this person works in."})
        if self.side == ContactSide.TRUST and self.team:
            raise ValidationError({"team": "Only college contacts belong to a college team; leave it empty."})

    def is_writable_by(self, user) -> bool:
        if _is_coordinator(user):
            return self.partnership.college.hub_id == user.hub_id
        if user and user.is_authenticated and user.role == Role.COLLEGE:
            return self.side == ContactSide.COLLEGE and self.partnership.college_id == user.college_id
        return False


class ActivityQuerySet(models.QuerySet):
    def writable_by(self, user):
        if is_staff(user):
            return self
        if _is_coordinator(user):
            return self.filter(partnership__college__hub_id=user.hub_id)
        return self.none()


_COUNT = {"default": 0, "validators": [MinValueValidator(0)]}


class Activity(models.Model):
    """Something a partnership did on a date, with what it reached."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(max_length=32, choices=ActivityKind.choices)
    happened_on = models.DateField("date", validators=[validate_planning_date])
    learners = models.PositiveIntegerField("learners reached", **_COUNT)
    placements_offered = models.PositiveIntegerField(**_COUNT)
    placements_filled = models.PositiveIntegerField(**_COUNT)
    interviews_guaranteed = models.PositiveIntegerField(**_COUNT)
    hires = models.PositiveIntegerField(**_COUNT)
    notes = models.TextField(max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = ChangeHistory()
    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["-happened_on", "-id"]
        verbose_name_plural = "activities"
        constraints = [
            models.CheckConstraint(name="activity_kind_known", condition=Q(kind__in=ActivityKind.values)),
            models.CheckConstraint(
                name="activity_counts_not_negative",
                condition=Q(learners__gte=0, placements_offered__gte=0, placements_filled__gte=0)
                & Q(interviews_guaranteed__gte=0, hires__gte=0),
            ),
            models.CheckConstraint(
                name="activity_filled_within_offered",
                condition=Q(placements_filled__lte=F("placements_offered")),
                violation_error_message="Placements filled cannot be more than placements offered.",
            ),
        ]
        indexes = [models.Index(fields=["partnership", "happened_on"])]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.happened_on.day} {self.happened_on:%B %Y}"

    def get_absolute_url(self):
        return reverse("hubs:activity_detail", args=[self.pk])

    def clean(self):
        super().clean()
        errors = {}
        if (self.placements_filled or 0) > (self.placements_offered or 0):
            errors["placements_filled"] = "Placements filled cannot be more than placements offered."
        if self.kind == ActivityKind.OTHER and not (self.notes or "").strip():
            errors["notes"] = "Say in the notes what the activity was."
        if errors:
            raise ValidationError(errors)

    def is_writable_by(self, user) -> bool:
        return _is_coordinator(user) and self.partnership.college.hub_id == user.hub_id


class CaseStudyQuerySet(models.QuerySet):
    def writable_by(self, user):
        if is_staff(user):
            return self
        if _is_coordinator(user):
            return self.filter(hub_id=user.hub_id)
        return self.none()


class CaseStudy(models.Model):
    """A good-practice case study written by a hub coordinator for other hubs to learn from."""

    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="case_studies")
    title = models.CharField(max_length=200)
    agenda = models.CharField(max_length=32, choices=Agenda.choices)
    colleges = models.ManyToManyField("colleges.College", blank=True, related_name="case_studies")
    trusts = models.ManyToManyField(
        "trusts.Trust", blank=True, related_name="case_studies", verbose_name="NHS trusts"
    )
    summary = models.TextField(max_length=5000)
    learners = models.PositiveIntegerField("learners reached", **_COUNT)
    placements_filled = models.PositiveIntegerField(**_COUNT)
    hires = models.PositiveIntegerField(**_COUNT)
    outcome = models.TextField("other outcomes", max_length=2000, blank=True)
    written_by = models.ForeignKey(
        "portal.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="case_studies"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CaseStudyQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name_plural = "case studies"
        constraints = [
            models.CheckConstraint(name="case_study_agenda_known", condition=Q(agenda__in=Agenda.values)),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("hubs:casestudy_detail", args=[self.pk])

    def is_writable_by(self, user) -> bool:
        return _is_coordinator(user) and self.hub_id == user.hub_id
