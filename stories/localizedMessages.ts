import type { ActiveSessionsMessagesInput } from '../src/components';

/** French strings for the Localized story: what an app would pass as `messages`. */
export const frenchMessages: ActiveSessionsMessagesInput = {
  title: 'Sessions actives',
  caption: 'Appareils connectés à votre compte',
  columnDevice: 'Appareil',
  columnLocation: 'Lieu',
  columnSignedIn: 'Connexion',
  columnLastActive: 'Dernière activité',
  columnExpires: 'Expiration',
  columnActions: 'Actions',
  deviceTypes: {
    desktop: 'Ordinateur',
    mobile: 'Téléphone',
    tablet: 'Tablette',
    unknown: 'Appareil inconnu',
  },
  thisDevice: 'Cet appareil',
  revoke: 'Révoquer',
  revokeLabel: (device) => `Révoquer la session ${device}`,
  signOut: 'Se déconnecter',
  signOutLabel: (device) => `Se déconnecter de ${device} (cet appareil)`,
  pending: 'Déconnexion…',
  pendingLabel: (device) => `Déconnexion de ${device}…`,
  actionsLabel: 'Actions sur les sessions',
  signOutOthers: 'Déconnecter les autres sessions',
  signOutMine: 'Déconnecter cet appareil',
  signOutAll: 'Se déconnecter partout',
  confirmTitle: (target, device) =>
    target === 'others'
      ? 'Déconnecter les autres sessions ?'
      : target === 'mine'
        ? 'Déconnecter cet appareil ?'
        : target === 'all'
          ? 'Se déconnecter partout ?'
          : `Révoquer la session ${device} ?`,
  confirmBody: (target, device) =>
    target === 'others'
      ? 'Tous les autres appareils seront déconnectés.'
      : target === 'mine'
        ? 'Vous devrez vous reconnecter sur cet appareil.'
        : target === 'all'
          ? 'Tous les appareils, y compris celui-ci, seront déconnectés.'
          : `${device} sera déconnecté.`,
  confirmButton: (target) => (typeof target === 'object' ? 'Révoquer' : 'Déconnecter'),
  cancel: 'Annuler',
  loading: 'Chargement des sessions…',
  empty: 'Aucune session active.',
  loadError: 'Impossible de charger vos sessions.',
  refreshError: 'Impossible d’actualiser vos sessions ; la liste peut être périmée.',
  retry: 'Réessayer',
  signedOut: () => 'Vous êtes déconnecté.',
  revokeFailed: (_target, device) =>
    device ? `Impossible de déconnecter ${device}.` : 'Impossible de déconnecter les sessions.',
  revoked: (_target, device) => (device ? `${device} déconnecté.` : 'Sessions déconnectées.'),
  dismiss: 'Fermer',
  paginationLabel: 'Pages des sessions',
  previousPage: 'Précédent',
  nextPage: 'Suivant',
  pageRange: ({ from, to, total }) => `${from}–${to} sur ${total}`,
};

/** Japanese strings for the Localized story. */
export const japaneseMessages: ActiveSessionsMessagesInput = {
  title: 'アクティブなセッション',
  caption: 'アカウントにサインインしているデバイス',
  columnDevice: 'デバイス',
  columnLocation: '場所',
  columnSignedIn: 'サインイン',
  columnLastActive: '最終アクティビティ',
  columnExpires: '有効期限',
  columnActions: '操作',
  deviceTypes: {
    desktop: 'パソコン',
    mobile: 'スマートフォン',
    tablet: 'タブレット',
    unknown: '不明なデバイス',
  },
  thisDevice: 'このデバイス',
  revoke: '取り消す',
  revokeLabel: (device) => `取り消す: ${device} のセッション`,
  signOut: 'サインアウト',
  signOutLabel: (device) => `サインアウト: ${device}(このデバイス)`,
  pending: 'サインアウト中…',
  pendingLabel: (device) => `サインアウト中… ${device}`,
  actionsLabel: 'セッションの操作',
  signOutOthers: '他のセッションからサインアウト',
  signOutMine: 'このデバイスからサインアウト',
  signOutAll: 'すべてのデバイスからサインアウト',
  confirmTitle: (target, device) =>
    target === 'others'
      ? '他のセッションからサインアウトしますか?'
      : target === 'mine'
        ? 'このデバイスからサインアウトしますか?'
        : target === 'all'
          ? 'すべてのデバイスからサインアウトしますか?'
          : `${device} のセッションを取り消しますか?`,
  confirmBody: (target, device) =>
    target === 'others'
      ? '他のすべてのデバイスがサインアウトされます。'
      : target === 'mine'
        ? 'このデバイスで再度サインインが必要になります。'
        : target === 'all'
          ? 'このデバイスを含むすべてのデバイスがサインアウトされます。'
          : `${device} はサインアウトされます。`,
  confirmButton: (target) => (typeof target === 'object' ? '取り消す' : 'サインアウト'),
  cancel: 'キャンセル',
  loading: 'セッションを読み込んでいます…',
  empty: 'アクティブなセッションはありません。',
  loadError: 'セッションを読み込めませんでした。',
  refreshError: 'セッションを更新できませんでした。一覧が古い可能性があります。',
  retry: '再試行',
  signedOut: () => 'サインアウトしました。',
  revokeFailed: (_target, device) =>
    device ? `${device} をサインアウトできませんでした。` : 'サインアウトできませんでした。',
  revoked: (_target, device) =>
    device ? `${device} をサインアウトしました。` : 'サインアウトしました。',
  dismiss: '閉じる',
  paginationLabel: 'セッションのページ',
  previousPage: '前へ',
  nextPage: '次へ',
  pageRange: ({ from, to, total }) => `${total} 件中 ${from}–${to} 件`,
};
