from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from sasaeai.accounts.models import User


class Command(BaseCommand):
    help = "Print the current TOTP code of a demo staff account (refused for real accounts)."

    def add_arguments(self, parser):
        parser.add_argument("user", help="email address of a demo account")

    def handle(self, *args, user, **options):
        account = User.objects.filter(email__iexact=user.strip()).first()
        if account is None:
            raise CommandError(f"No such account: {user}")
        if not account.is_demo:
            raise CommandError("demo_otp only works for demo accounts (デモ用アカウントのみ).")
        device = TOTPDevice.objects.filter(user=account, confirmed=True).order_by("pk").first()
        if device is None:
            raise CommandError("This account has no TOTP device.")
        code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{code:0{device.digits}d}")
