import { ChangeDetectionStrategy, Component } from '@angular/core';
import { RouterOutlet } from '@angular/router';
import { ToastStack } from './core/notifications/toast-stack';

@Component({
  selector: 'app-root',
  imports: [RouterOutlet, ToastStack],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <router-outlet />
    <app-toast-stack />
  `,
})
export class App {}
