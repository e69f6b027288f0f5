"""Daily job (cron, e.g. 00:10 Asia/Tokyo): mark qualifications past their expiry date as expired.

    sasaeai helpers_expire_qualifications            # run now
    sasaeai helpers_expire_qualifications --enqueue  # hand it to the task worker
"""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Mark verified helper qualifications past their expiry date (Asia/Tokyo) as expired."

    def add_arguments(self, parser):
        parser.add_argument("--enqueue", action="store_true", help="Enqueue for `sasaeai db_worker` instead.")

    def handle(self, *args, enqueue=False, **options):
        if enqueue:
            from sasaeai.helpers.tasks import expire_qualifications

            result = expire_qualifications.enqueue()
            self.stdout.write(f"enqueued {result.id}")
            return
        from sasaeai.helpers.services import expire_qualifications

        self.stdout.write(f"expired {expire_qualifications()}")
