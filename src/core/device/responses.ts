// The device grant's two success bodies, as the server sends them and the client reads them.

/** RFC 8628 §3.2's device authorization response. */
export interface DeviceAuthorization {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete: string;
  expires_in: number;
  interval: number;
}

/** RFC 6749 §5.1's access token response. */
export interface DeviceToken {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
}
