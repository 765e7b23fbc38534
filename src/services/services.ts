// Wires the use cases together over one set of ports. The server (or a test) supplies the ports.
import type { ServiceDeps } from './deps.js';
import { AccessKeyService } from './access-keys.js';
import { AccountDeletionService } from './account-deletion.js';
import { AccountService } from './accounts.js';
import { SignedRequestService } from './signed-requests.js';
import { AttemptGuard } from './attempt-guard.js';
import { EmailChangeService } from './email-change.js';
import { EmailVerificationService } from './email-verification.js';
import { EventLog } from './event-log.js';
import { GoogleSignInService } from './google-sign-in.js';
import { SignInChallengeService } from './sign-in-challenge.js';
import { MfaManagementService } from './mfa-management.js';
import { MfaSetupService } from './mfa-setup.js';
import { SmsCodes } from './sms-codes.js';
import { Notices } from './notices.js';
import { PasswordResetService } from './password-reset.js';
import { RecoveryCodes } from './recovery-codes.js';
import { SessionService } from './sessions.js';
import { SignInService } from './sign-in.js';
import { UserViewService } from './user-view.js';
import { DeviceApprovalService } from './device-approval.js';
import { DeviceGrantService } from './device-grant.js';
import { PasskeyManagement } from './passkey-management.js';
import { PasskeyRegistration } from './passkey-registration.js';
import { PasskeySecondFactor } from './passkey-second-factor.js';
import { PasskeySignIn } from './passkey-sign-in.js';
import { RememberedDevices } from './remembered-devices.js';
import { WebAuthnChallenges } from './webauthn-challenges.js';
import { createAdminServices, type AdminServices } from './admin-services.js';
import { AccountPolicy } from './account-policy.js';

export interface Services {
  deps: ServiceDeps;
  events: EventLog;
  sessions: SessionService;
  accounts: AccountService;
  signIn: SignInService;
  challenges: SignInChallengeService;
  mfa: MfaSetupService;
  mfaManagement: MfaManagementService;
  passwordReset: PasswordResetService;
  userViews: UserViewService;
  accessKeys: AccessKeyService;
  signedRequests: SignedRequestService;
  google: GoogleSignInService;
  emailVerification: EmailVerificationService;
  emailChange: EmailChangeService;
  accountDeletion: AccountDeletionService;
  deviceGrants: DeviceGrantService;
  deviceApprovals: DeviceApprovalService;
  passkeyRegistration: PasskeyRegistration;
  passkeys: PasskeyManagement;
  passkeySignIn: PasskeySignIn;
  passkeySecondFactor: PasskeySecondFactor;
  devices: RememberedDevices;
  webauthnChallenges: WebAuthnChallenges;
  admin: AdminServices;
}

export function createServices(deps: ServiceDeps): Services {
  const events = new EventLog(deps);
  const notices = new Notices(deps);
  const sessions = new SessionService(deps);
  const guard = new AttemptGuard(deps);
  const recovery = new RecoveryCodes(deps);
  const emailVerification = new EmailVerificationService(deps, events, notices);
  const accounts = new AccountService(deps, sessions, events, emailVerification, notices);
  const emailChange = new EmailChangeService(deps, accounts, emailVerification, events, notices);
  const accountDeletion = new AccountDeletionService(deps, accounts, guard, recovery, events, notices);
  const sms = new SmsCodes(deps, deps.sms);
  const challenges = new SignInChallengeService(deps, guard, recovery, sessions, events, notices, sms);
  const devices = new RememberedDevices(deps, events);
  const webauthn = new WebAuthnChallenges(deps);
  const policy = new AccountPolicy(deps);
  const signIn = new SignInService(deps, policy, accounts, sessions, challenges, events, notices, devices);
  const mfa = new MfaSetupService(deps, accounts, guard, recovery, sms, events, notices);
  const mfaManagement = new MfaManagementService(deps, accounts, recovery, events, notices);
  const passwordReset = new PasswordResetService(deps, accounts, sessions, events);
  const userViews = new UserViewService(deps.storage);
  const google = new GoogleSignInService(deps, signIn, accounts, events, notices);
  const accessKeys = new AccessKeyService(deps, accounts, events, notices);
  const signedRequests = new SignedRequestService(deps, accessKeys, deps.replays);
  const deviceGrants = new DeviceGrantService(deps, sessions);
  const deviceApprovals = new DeviceApprovalService(deps, guard, events, notices);
  return {
    deps,
    events,
    sessions,
    accounts,
    signIn,
    challenges,
    mfa,
    mfaManagement,
    passwordReset,
    userViews,
    accessKeys,
    signedRequests,
    google,
    emailVerification,
    emailChange,
    accountDeletion,
    deviceGrants,
    deviceApprovals,
    passkeyRegistration: new PasskeyRegistration(deps, accounts, webauthn, recovery, events, notices),
    passkeys: new PasskeyManagement(deps, accounts, events, notices),
    passkeySignIn: new PasskeySignIn(deps, guard, webauthn, sessions, events, policy),
    passkeySecondFactor: new PasskeySecondFactor(deps, guard, webauthn, challenges, events, notices),
    devices,
    webauthnChallenges: webauthn,
    admin: createAdminServices(deps, sessions, events, policy),
  };
}
