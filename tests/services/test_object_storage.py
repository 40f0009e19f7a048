"""Evidence in S3-compatible object storage (django-storages), as with several app servers:
stored privately, read only through the portal, and deleted when the save that wrote it fails.

Runs against moto's S3 server on loopback, started by the test."""

from __future__ import annotations

import urllib.error
import urllib.request

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from ratings import workflow
from ratings.choices import Decision
from ratings.models import EvidenceFile, Region
from ratings.uploads import PDF
from tests import factories
from tests.helpers import HAINAN, SAIHANWUSU, item
from tests.servers import s3_server
from tests.world import PDF_BYTES

pytestmark = [pytest.mark.django_db, pytest.mark.services]

BUCKET = "pingan-evidence"


@pytest.fixture
def bucket():
    with s3_server() as endpoint:
        client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            aws_access_key_id="test",
            aws_secret_access_key="test",
            region_name="us-east-1",
        )
        client.create_bucket(Bucket=BUCKET)
        storage = {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": endpoint,
                "access_key": "test",
                "secret_key": "test",
                "region_name": "us-east-1",
                "location": "media",
                "default_acl": "private",
                "file_overwrite": False,
            },
        }
        from django.conf import settings

        with override_settings(STORAGES={**settings.STORAGES, "default": storage}):
            yield client, endpoint


def objects(client) -> list[str]:
    return [item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def save(assessor, year, uploads_on: int = 1, **extra):
    return workflow.rating_save(
        user=assessor,
        community=Region.objects.get(pk=SAIHANWUSU),
        year=year,
        expected_version=extra.pop("version", 0),
        findings=[
            workflow.Finding(
                number=n,
                met=True,
                uploads=[(SimpleUploadedFile("说明.pdf", PDF_BYTES), PDF)]
                if n == uploads_on
                else [],
            )
            for n in range(1, 11)
        ],
    )


def test_evidence_goes_to_the_bucket_and_comes_back_only_through_the_portal(client, bucket, year):
    s3, endpoint = bucket
    assessor = factories.assessor(HAINAN)
    save(assessor, year)
    [key] = objects(s3)
    assert key.startswith("media/evidence/") and "说明" not in key
    evidence = EvidenceFile.objects.get()
    # The bucket does not hand the file to anyone who asks…
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{endpoint}/{BUCKET}/{key}", timeout=5)
    assert refused.value.code == 403
    # …the portal does, to whoever may see the rating, streamed through its own view.
    client.force_login(assessor)
    response = client.get(reverse("evidence_download", args=[evidence.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    outsider = factories.assessor("150304000000")
    client.force_login(outsider)
    assert client.get(reverse("evidence_download", args=[evidence.pk])).status_code == 404


def test_a_save_that_fails_deletes_the_files_it_wrote(bucket, year):
    """A returned rating: item 1 reopened, item 2 already endorsed. A save that uploads to item
    1 and then tries to change item 2 is refused after the file was written."""
    s3, _endpoint = bucket
    assessor = factories.assessor(HAINAN)
    rating = workflow.rating_submit(user=assessor, rating=save(assessor, year, uploads_on=0))
    gongan = factories.certifier("gongan")
    workflow.item_decide(user=gongan, item=item(rating, 2), decision=Decision.ENDORSE)
    workflow.item_decide(
        user=gongan, item=item(rating, 1), decision=Decision.RETURN, reason="补充台账"
    )
    rating.refresh_from_db()
    findings = [
        workflow.Finding(
            number=1, met=True, uploads=[(SimpleUploadedFile("台账.pdf", PDF_BYTES), PDF)]
        ),
        workflow.Finding(number=2, met=False),
    ]
    with pytest.raises(workflow.TransitionNotAllowed, match="不能再修改"):
        workflow.rating_save(
            user=assessor,
            community=rating.community,
            year=year,
            expected_version=rating.version,
            findings=findings,
        )
    assert objects(s3) == []
    assert not EvidenceFile.objects.exists()
