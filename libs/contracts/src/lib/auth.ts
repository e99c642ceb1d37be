export const ROLES = ['admin', 'finance', 'sre', 'merchant'] as const;
export type Role = (typeof ROLES)[number];

export interface UserView {
  id: string;
  object: 'user';
  email: string;
  roles: Role[];
  merchantId?: string;
  createdAt: string;
}

export interface LoginRequest {
  email: string;
  password: string;
}

export interface RefreshRequest {
  refreshToken: string;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  /** Seconds until the access token expires. */
  expiresIn: number;
  user: Pick<UserView, 'id' | 'email' | 'roles' | 'merchantId'>;
}

export interface CreateUserRequest {
  email: string;
  password: string;
  roles: Role[];
  merchantId?: string;
}
