import { provideHttpClient } from '@angular/common/http';
import { provideHttpClientTesting } from '@angular/common/http/testing';
import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import type { Role } from '@lsp/contracts';
import { storeSession } from '../../../testing/session';
import { NotificationService } from '../notifications/notification.service';
import { authGuard, roleGuard } from './auth.guards';
import { PERMISSIONS } from './permissions';

@Component({ template: 'home' })
class HomeStub {}

@Component({ template: 'merchants' })
class MerchantsStub {}

@Component({ template: 'login' })
class LoginStub {}

async function navigateAs(roles: Role[] | null, url: string): Promise<string> {
  sessionStorage.clear();
  if (roles) {
    storeSession(roles);
  }
  TestBed.configureTestingModule({
    providers: [
      provideHttpClient(),
      provideHttpClientTesting(),
      provideRouter([
        { path: 'login', component: LoginStub },
        {
          path: '',
          canMatch: [authGuard],
          children: [
            { path: '', pathMatch: 'full', component: HomeStub },
            {
              path: 'merchants',
              canMatch: [roleGuard(PERMISSIONS.viewMerchants)],
              component: MerchantsStub,
            },
          ],
        },
      ]),
    ],
  });
  const harness = await RouterTestingHarness.create();
  await harness.navigateByUrl(url);
  return TestBed.inject(Router).url;
}

describe('route guards', () => {
  it.each<Role>(['admin', 'finance', 'sre'])('lets %s open merchants', async (role) => {
    expect(await navigateAs([role], '/merchants')).toBe('/merchants');
  });

  it('sends a merchant user who types /merchants back home, with a notice', async () => {
    expect(await navigateAs(['merchant'], '/merchants')).toBe('/');
    const toasts = TestBed.inject(NotificationService).toasts();
    expect(toasts.map((t) => t.message)).toContain('You do not have access to that page.');
  });

  it('sends a signed-out visitor to the login page, remembering where they were going', async () => {
    expect(await navigateAs(null, '/merchants')).toBe('/login?returnUrl=%2Fmerchants');
  });

  it('lets any signed-in role see home', async () => {
    expect(await navigateAs(['merchant'], '/')).toBe('/');
  });
});
