from django.core.management.base import BaseCommand

from sasaeai.demo.generator import SCALES, demo_logins


class Command(BaseCommand):
    help = "Print one demo log-in per role (staff with their TOTP key). Demo data only."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="small")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, scale, seed, **options):
        rows = demo_logins(scale, seed)
        if not rows:
            self.stdout.write("No demo town yet: run `sasaeai seed_demo` first.")
            return
        self.stdout.write("")
        self.stdout.write(f"Demo log-ins (synthetic town; password for all: {rows[0]['password']})")
        self.stdout.write("デモ用ログイン（架空のまち・全員同じパスワード）")
        for r in rows:
            line = f"  {r['role']:<17} {r['email']:<40}"
            if r["totp_key"]:
                line += f" TOTP key {r['totp_key']}  (code now: sasaeai demo_otp {r['email']})"
            self.stdout.write(line)
        self.stdout.write("")
