import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { AuthService } from '../auth/auth.service';
import { NAV_ITEMS } from './nav-items';

/** Signed-in layout: top bar with the user and sign out, side navigation filtered by role. */
@Component({
  selector: 'app-shell',
  imports: [RouterOutlet, RouterLink, RouterLinkActive],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './shell.html',
  styleUrl: './shell.scss',
})
export class Shell {
  private readonly auth = inject(AuthService);

  protected readonly user = this.auth.user;
  /** `can()` reads the roles signal, so the menu follows a change of user. */
  protected readonly navItems = computed(() => NAV_ITEMS.filter((item) => this.auth.can(item.permission)));

  protected signOut(): void {
    this.auth.logout();
  }
}
